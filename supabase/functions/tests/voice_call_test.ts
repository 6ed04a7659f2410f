/**
 * voice-call through the real handler, a real Postgres, the fake OpenAI's call control and a fake of
 * OpenAI's webhook sender: signatures and age, redelivery, the kill switch, the accept body and its token.
 */
import assert from "node:assert/strict";
import { createHandler } from "../voice-call/index.ts";
import { verifyCallToken } from "../_shared/calls/mod.ts";
import { ConfigError } from "../_shared/config.ts";
import { dbTest, testDeps, testSql } from "../_testing/harness.ts";
import { startFakeOpenAI } from "../_testing/openai_fake.ts";
import { callIncoming, WEBHOOK_SECRET, webhookSender } from "../_testing/openai_webhooks.ts";
import { Client, StreamableHTTPClientTransport } from "../_shared/mcp/mod.ts";
import { createHandler as createMcp } from "../voucher-mcp/index.ts";
import { customer } from "./_agent.ts";

const TOKEN_SECRET = "voice-call-token-secret-0123456789";
const MCP_URL = "http://127.0.0.1:54321/functions/v1/voucher-mcp";
const LINE = "tel:+250788000111";

const sql = await testSql();
const ai = await startFakeOpenAI();
const t = await testDeps({
  OPENAI_API_KEY: ai.apiKey,
  OPENAI_BASE_URL: ai.url,
  OPENAI_WEBHOOK_SECRET: WEBHOOK_SECRET,
  VOICE_CALL_TOKEN_SECRET: TOKEN_SECRET,
  VOUCHER_MCP_URL: MCP_URL,
});
const sender = webhookSender(createHandler(t.deps));

async function setup(options: { enabled: boolean; line: string }) {
  await sql`update public.feature_flags set enabled = ${options.enabled} where name = 'AI_REALTIME_ENABLED'`;
  await sql`update public.app_settings set value = ${
    sql.json(options.line)
  } where key = 'voice_human_line_uri'`;
  await sql`update public.app_settings set value = '1000' where key = 'voice_max_concurrent_calls'`;
  ai.calls.requests.length = 0;
}

dbTest(
  "voice-call refuses a bad signature and a delivery older than 5 minutes, and answers nothing",
  async () => {
    await setup({ enabled: true, line: "" });
    const bad = await sender.deliver(callIncoming(), {
      secret: "whsec_" + btoa("another-secret-0123456789abc"),
    });
    assert.equal(bad.res.status, 401);
    assert.equal((await bad.res.json()).error, "unauthorized:signature");
    const old = await sender.deliver(callIncoming(), { ageSeconds: 6 * 60 });
    assert.equal(old.res.status, 401);
    assert.match((await old.res.json()).message, /too old/);
    assert.deepEqual(ai.calls.requests, [], "OpenAI was told nothing");
  },
);

dbTest("a redelivered call webhook accepts once", async () => {
  await setup({ enabled: true, line: "" });
  const event = callIncoming({ from: "<sip:+250700111222@trunk.example.com>;tag=x" });
  const first = await sender.deliver(event);
  assert.equal(first.res.status, 200);
  assert.equal((await sender.redeliver(first.delivery)).status, 200);
  assert.equal((await sender.redeliver(first.delivery)).status, 200);
  assert.deepEqual(ai.calls.requests.map((r) => `${r.action} ${r.callId}`), [`accept ${event.data.call_id}`]);
});

dbTest("a failed accept answers 502 and the redelivery accepts", async () => {
  await setup({ enabled: true, line: "" });
  ai.calls.failNext(500, 2); // the SDK tries twice (maxRetries 1)
  const event = callIncoming({ from: null });
  const first = await sender.deliver(event);
  assert.equal(first.res.status, 502);
  assert.equal((await sender.redeliver(first.delivery)).status, 200);
  assert.deepEqual(ai.calls.requests.map((r) => r.action), ["accept", "accept", "accept"]);
  const [row] = await sql`select outcome from public.voice_calls where call_id = ${event.data.call_id}`;
  assert.equal(row?.outcome, "done");
});

dbTest("the kill switch refers calls to the human line, or rejects them without one", async () => {
  await setup({ enabled: false, line: LINE });
  const referred = callIncoming();
  assert.equal((await sender.deliver(referred)).res.status, 200);
  await setup({ enabled: false, line: "" });
  const rejected = callIncoming();
  assert.equal((await sender.deliver(rejected)).res.status, 200);
  assert.deepEqual(ai.calls.requests.map((r) => [r.action, r.body]), [["reject", { status_code: 486 }]]);
  const rows = await sql`select call_id, decision, reason from public.voice_calls
    where call_id in (${referred.data.call_id}, ${rejected.data.call_id}) order by id`;
  assert.deepEqual(rows.map((r) => `${r.decision}:${r.reason}`), [
    "refer:switched_off",
    "reject:switched_off",
  ]);
});

dbTest("a referred call goes to the human line's URI", async () => {
  await setup({ enabled: false, line: LINE });
  const event = callIncoming();
  await sender.deliver(event);
  assert.deepEqual(ai.calls.requests, [{
    action: "refer",
    callId: event.data.call_id,
    body: { target_uri: LINE },
  }]);
});

dbTest("a missed caller who is a customer gets a WhatsApp message", async () => {
  await setup({ enabled: false, line: "" });
  const c = await customer(sql);
  await sender.deliver(callIncoming({ from: `"x" <sip:${c.msisdn}@trunk.example.com>` }));
  const rows = await sql`select purpose, body from public.messages where to_wa_id = ${c.waId}`;
  assert.deepEqual(rows.map((r) => r.purpose), ["missed_call"]);
  assert.match(rows[0]!.body, /Mutwandikire/, "in the customer's language (rw)");
});

dbTest(
  "the accept body: instructions, voice, and the mcp tool with a token for this call and customer",
  async () => {
    await setup({ enabled: true, line: "" });
    const c = await customer(sql);
    const event = callIncoming({ from: `<tel:${c.msisdn}>` });
    assert.equal((await sender.deliver(event)).res.status, 200);
    const [accept] = ai.calls.requests;
    assert.equal(accept?.action, "accept");
    const body = accept!.body;
    assert.equal(body.type, "realtime");
    assert.equal(body.model, "gpt-realtime");
    assert.equal(body.audio.output.voice, "marin");
    assert.match(body.instructions, /Kinyarwanda/);
    assert.match(body.instructions, /Muraho/, "a greeting in the caller's language");
    const [mcp] = body.tools;
    assert.deepEqual({ ...mcp, headers: undefined }, {
      type: "mcp",
      server_label: "vouchers",
      server_url: `${MCP_URL}?call_id=${event.data.call_id}`,
      headers: undefined,
      allowed_tools: ["lookup_customer", "list_vouchers", "transfer_to_human"],
      require_approval: "never",
    });
    for (const effect of ["create_voucher", "redeem_voucher", "void_voucher", "offer_choices"]) {
      assert.ok(!mcp.allowed_tools.includes(effect), `${effect} is not offered`);
    }
    assert.ok(mcp.allowed_tools.includes("transfer_to_human"));
    const token = String(mcp.headers.Authorization).replace(/^Bearer /, "");
    const verified = await verifyCallToken([TOKEN_SECRET], token, Date.now(), event.data.call_id);
    assert.ok(verified.ok, "the token verifies for this call");
    assert.equal(verified.claims.msisdn, c.msisdn, "bound to the caller's customer number");
    assert.deepEqual(await verifyCallToken([TOKEN_SECRET], token, Date.now(), "rtc_another"), {
      ok: false,
      reason: "wrong_call",
    });
    assert.ok(!t.raw().includes(c.msisdn) && !t.raw().includes(token), "no number or token in the logs");
  },
);

dbTest("the session's limits are settings: voice_max_output_tokens bounds each spoken answer", async () => {
  await setup({ enabled: true, line: "" });
  const c = await customer(sql);
  await sender.deliver(callIncoming({ from: `<tel:${c.msisdn}>` }));
  assert.equal(ai.calls.requests[0]?.body.max_output_tokens, 1024, "the seeded limit");
  await sql`update public.app_settings set value = '300' where key = 'voice_max_output_tokens'`;
  try {
    ai.calls.requests.length = 0;
    await sender.deliver(callIncoming({ from: `<tel:${c.msisdn}>` }));
    assert.equal(ai.calls.requests[0]?.body.max_output_tokens, 300, "as ops set it");
  } finally {
    await sql`update public.app_settings set value = '1024' where key = 'voice_max_output_tokens'`;
  }
});

dbTest("an unknown caller is accepted with a token that carries no number, in Kinyarwanda", async () => {
  await setup({ enabled: true, line: "" });
  const event = callIncoming({ from: "<sip:+250799000001@trunk.example.com>" });
  await sender.deliver(event);
  const mcp = ai.calls.requests[0]!.body.tools[0];
  const verified = await verifyCallToken(
    [TOKEN_SECRET],
    mcp.headers.Authorization.replace(/^Bearer /, ""),
    Date.now(),
    event.data.call_id,
  );
  assert.ok(verified.ok);
  assert.equal(verified.claims.msisdn, null);
  assert.match(ai.calls.requests[0]!.body.instructions, /matches no customer/);
  assert.deepEqual(
    mcp.allowed_tools,
    ["transfer_to_human", "send_whatsapp_message"],
    "no reads (every read is about the caller's record): a person, or one WhatsApp message",
  );
});

dbTest("voice-call cannot be built without its secrets, and names them", () => {
  const config = { ...t.deps.config, calls: {}, openai: { model: "gpt-test" } };
  assert.throws(() => createHandler({ ...t.deps, config }), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    for (
      const name of ["OPENAI_WEBHOOK_SECRET", "VOICE_CALL_TOKEN_SECRET", "OPENAI_API_KEY", "VOUCHER_MCP_URL"]
    ) {
      assert.match(error.message, new RegExp(name));
    }
    return true;
  });
  return Promise.resolve();
});

dbTest("an event other than realtime.call.incoming is acknowledged and left alone", async () => {
  await setup({ enabled: true, line: "" });
  const event = {
    object: "event",
    id: "evt_x",
    type: "response.completed",
    created_at: 1,
    data: { id: "resp_1" },
  };
  const { res } = await sender.deliver(event);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ignored: "response.completed" });
  assert.deepEqual(ai.calls.requests, []);
});

dbTest(
  "the accept body's mcp tool, used as OpenAI would, reaches voucher-mcp and sees only the caller's vouchers",
  async () => {
    await setup({ enabled: true, line: "" });
    const c = await customer(sql, [{ amount: 4200, status: "issued" }]);
    const other = await customer(sql, [{ amount: 9100, status: "issued" }]);
    const event = callIncoming({ from: `<sip:${c.msisdn}@trunk.example.com>` });
    await sender.deliver(event);
    const mcp = ai.calls.requests[0]!.body.tools[0];
    const mcpHandler = createMcp(t.deps);
    const transport = new StreamableHTTPClientTransport(new URL(mcp.server_url), {
      requestInit: { headers: mcp.headers },
      fetch: (input, init) => mcpHandler(new Request(input, init)),
    });
    const client = new Client({ name: "openai-as-model", version: "1.0.0" });
    await client.connect(transport);
    const offered = (await client.listTools()).tools.map((tool) => tool.name);
    assert.deepEqual(offered.filter((name) => mcp.allowed_tools.includes(name)).sort(), offered.sort());
    const listed = JSON.stringify(
      await client.callTool({ name: "list_vouchers", arguments: { msisdn: other.msisdn, status: null } }),
    );
    assert.match(listed, /4200/);
    assert.doesNotMatch(listed, /9100/, `nothing of ${other.waId}`);
    await client.close();
    await t.settle();
  },
);

dbTest("close", async () => {
  await t.settle();
  await t.deps.db.close();
  await sql.end();
  await ai.close();
});
