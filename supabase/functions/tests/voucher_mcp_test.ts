/**
 * voucher-mcp through the real handler and a real Postgres, with the SDK's MCP client playing the
 * model (as OpenAI does during a call): what each caller is offered, whose data a call's tools see,
 * and which tokens are refused.
 */
import assert from "node:assert/strict";
import { mintCallToken } from "../_shared/calls/mod.ts";
import type { Client } from "../_shared/mcp/mod.ts";
import { createHandler as createMetrics } from "../metrics/index.ts";
import { createHandler } from "../voucher-mcp/index.ts";
import {
  dbTest,
  insertCustomer,
  METRICS_TOKEN,
  request,
  testDeps,
  testSql,
  TOOL_KEY,
} from "../_testing/harness.ts";
import { connectMcp } from "./_mcp.ts";

const SECRET = "call-token-secret-0123456789abcdef";
const URL_ = "http://127.0.0.1/voucher-mcp";
const JEAN = "+250788300001";
const AIMEE = "+250788300002";
const sql = await testSql();
await insertCustomer(sql, JEAN, "Jean Mcp", [{ code: "MCPJ-AAAA", amount: 5000, status: "issued" }]);
await insertCustomer(sql, AIMEE, "Aimee Mcp", [{ code: "MCPA-BBBB", amount: 7000, status: "issued" }]);

const callToken = (call: string, msisdn: string | null, ttlSeconds = 600, nowMs = Date.now()) =>
  mintCallToken(SECRET, { call, msisdn, ttlSeconds }, nowMs);

/** The SDK's client connected to the handler with `bearer`; `close` settles the handler's work. */
const connect = (bearer: string) => connectMcp(bearer, { VOICE_CALL_TOKEN_SECRET: SECRET });

const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();
/** A tool result as text, to search: its content holds the tool's output as JSON. */
const text = (result: unknown) => JSON.stringify(result);

dbTest(
  "voucher-mcp lists each caller's tools: reads for a known caller and an agent key, none for an unknown caller; transfer_to_human for calls only",
  async () => {
    const known = await connect(await callToken("rtc_list_known", JEAN));
    const unknown = await connect(await callToken("rtc_list_unknown", null));
    const agent = await connect(TOOL_KEY);
    try {
      assert.deepEqual(await names(known.client), ["list_vouchers", "lookup_customer", "transfer_to_human"]);
      assert.deepEqual(await names(unknown.client), ["transfer_to_human"]);
      assert.deepEqual(await names(agent.client), ["list_vouchers", "lookup_customer"]);
      const lookup = (await known.client.listTools()).tools.find((t) => t.name === "lookup_customer")!;
      assert.deepEqual(
        Object.keys(lookup.inputSchema.properties ?? {}),
        ["msisdn"],
        "the chat tool's schema",
      );
    } finally {
      await Promise.all([known.close(), unknown.close(), agent.close()]);
    }
  },
);

dbTest("a call's tools see only the caller's data, whatever number the model passes", async () => {
  const { client, close } = await connect(await callToken("rtc_scope", JEAN));
  try {
    const own = await client.callTool({ name: "lookup_customer", arguments: { msisdn: null } });
    assert.equal(own.isError, undefined);
    assert.match(text(own), /Jean Mcp/);
    const other = await client.callTool({
      name: "list_vouchers",
      arguments: { msisdn: AIMEE, status: null },
    });
    assert.doesNotMatch(text(other), /Aimee|MCPA-BBBB/, "never another customer's record");
    assert.match(text(other), /MCPJ-AAAA/, "the caller's own vouchers, codes whole as in the chat");
  } finally {
    await close();
  }
});

dbTest("an agent key looks customers up as staff do: codes masked", async () => {
  const { client, close } = await connect(TOOL_KEY);
  try {
    const found = await client.callTool({ name: "lookup_customer", arguments: { msisdn: AIMEE } });
    assert.match(text(found), /Aimee Mcp/);
    assert.match(text(found), /…BBBB/);
    assert.doesNotMatch(text(found), /MCPA-BBBB/);
  } finally {
    await close();
  }
});

dbTest("an effect tool is neither offered nor callable, by a call or by an agent key", async () => {
  for (const bearer of [await callToken("rtc_effect", JEAN), TOOL_KEY]) {
    const { client, close } = await connect(bearer);
    try {
      assert.ok(!(await names(client)).includes("create_voucher"));
      await assert.rejects(
        client.callTool({ name: "create_voucher", arguments: { msisdn: JEAN, amount_rwf: 1000 } }),
        /create_voucher is not offered here/,
      );
      await assert.rejects(
        client.callTool({ name: "handoff_to_human", arguments: { reason: "x" } }),
        /handoff_to_human is not offered here/,
      );
    } finally {
      await close();
    }
  }
  const [row] = await sql`select count(*)::int as n from public.pending_actions where args::text like ${
    "%" + JEAN + "%"
  }`;
  assert.equal(row!.n, 0, "nothing proposed");
});

dbTest("an unknown caller cannot call a customer tool", async () => {
  const { client, close } = await connect(await callToken("rtc_unknown_call", null));
  try {
    await assert.rejects(
      client.callTool({ name: "lookup_customer", arguments: { msisdn: JEAN } }),
      /lookup_customer is not offered here/,
    );
  } finally {
    await close();
  }
});

async function post(bearer: string | undefined) {
  const t = await testDeps({ VOICE_CALL_TOKEN_SECRET: SECRET });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await createHandler(t.deps)(
    new Request(URL_, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    }),
  );
  await t.settle();
  return { res, body: await res.json(), raw: t.raw() };
}

dbTest(
  "a missing, forged or expired token is a 401 that says what is wrong, with a Bearer challenge",
  async () => {
    const cases: [string | undefined, RegExp][] = [
      [undefined, /Missing Authorization/],
      ["vc1.garbage", /malformed/],
      [
        await mintCallToken("another-secret-0123456789abcdef", {
          call: "rtc_x",
          msisdn: JEAN,
          ttlSeconds: 60,
        }, Date.now()),
        /signature/,
      ],
      [await callToken("rtc_expired", JEAN, 60, Date.now() - 120_000), /expired/],
      ["not-a-tool-key", /Invalid/],
    ];
    for (const [bearer, message] of cases) {
      const { res, body, raw } = await post(bearer);
      assert.equal(res.status, 401, String(bearer));
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
      assert.match(body.message, message);
      assert.ok(!raw.includes(JEAN), "no phone number in the log");
    }
  },
);

dbTest("a token is bound to its call: a request naming another call is refused", async () => {
  const token = await callToken("rtc_bound_a", JEAN);
  const t = await testDeps({ VOICE_CALL_TOKEN_SECRET: SECRET });
  const res = await createHandler(t.deps)(
    new Request(`${URL_}?call_id=rtc_bound_b`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    }),
  );
  await t.settle();
  assert.equal(res.status, 401);
  assert.match((await res.json()).message, /another call/);
});

dbTest("each MCP tool call is recorded with its latency, success and the call it belongs to", async () => {
  const { client, close } = await connect(await callToken("rtc_recorded", JEAN));
  try {
    await client.callTool({ name: "lookup_customer", arguments: { msisdn: null } });
    await client.callTool({ name: "list_vouchers", arguments: { msisdn: null, status: "bogus" } });
  } finally {
    await close();
  }
  const rows = await sql`select tool, success, error_code, caller_role, latency_ms, voice_call_id, channel
    from public.tool_calls where voice_call_id = 'rtc_recorded' order by created_at`;
  assert.deepEqual(rows.map((r) => [r.tool, r.success, r.caller_role, r.channel]), [
    ["lookup_customer", true, "customer", "mcp"],
    ["list_vouchers", false, "customer", "mcp"],
  ]);
  assert.equal(rows[1]!.error_code, "invalid_arguments");
  assert.ok(rows.every((r) => r.latency_ms >= 0));
});

dbTest("the metrics count MCP tool calls by tool and outcome, with their latency", async () => {
  const { client, close } = await connect(await callToken("rtc_metrics", JEAN));
  try {
    await client.callTool({ name: "lookup_customer", arguments: { msisdn: null } });
    await client.callTool({ name: "list_vouchers", arguments: { msisdn: null, status: "bogus" } });
  } finally {
    await close();
  }
  const t = await testDeps();
  const res = await createMetrics(t.deps)(
    request("/metrics?format=prometheus", { bearer: METRICS_TOKEN }),
  );
  await t.settle();
  const lines = (await res.text()).split("\n");
  for (
    const pattern of [
      /^# TYPE voucher_mcp_tool_calls_total counter$/,
      /^voucher_mcp_tool_calls_total\{tool="lookup_customer",outcome="ok"\} [1-9]/,
      /^voucher_mcp_tool_calls_total\{tool="list_vouchers",outcome="error"\} [1-9]/,
      /^# TYPE voucher_mcp_tool_call_duration_seconds histogram$/,
      /^voucher_mcp_tool_call_duration_seconds_count\{tool="lookup_customer"\} [1-9]/,
    ]
  ) assert.ok(lines.some((l) => pattern.test(l)), String(pattern));
});

dbTest("voucher-mcp is stateless: GET and DELETE answer 405 naming POST", async () => {
  const t = await testDeps({ VOICE_CALL_TOKEN_SECRET: SECRET });
  const handler = createHandler(t.deps);
  for (const method of ["GET", "DELETE"]) {
    const res = await handler(request("/voucher-mcp", { method, bearer: TOOL_KEY }));
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get("allow"), "POST");
    assert.match((await res.json()).message, /by POST only/);
  }
  await t.settle();
});
