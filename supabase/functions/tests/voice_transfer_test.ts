/**
 * "A person, please" during a voice call: voucher-mcp's transfer_to_human through the real handler, a
 * real Postgres and the fake OpenAI's call control, with the SDK's MCP client playing the model. With
 * a human line the call is referred there once; without one (or when the refer fails) the caller is
 * followed up on WhatsApp, with a handoff and a staff alert. Agents are never offered it.
 */
import assert from "node:assert/strict";
import { callInstructions, mintCallToken, TRANSFER_TOOL } from "../_shared/calls/mod.ts";
import type { Client } from "../_shared/mcp/mod.ts";
import { dbTest, insertCustomer, testSql, TOOL_KEY } from "../_testing/harness.ts";
import { startFakeOpenAI } from "../_testing/openai_fake.ts";
import { connectMcp } from "./_mcp.ts";

const SECRET = "transfer-token-secret-0123456789abc";
const LINE = "tel:+250788000222";
const STAFF = "250788999002";
const CALLER = "+250788310001";
const sql = await testSql();
const ai = await startFakeOpenAI();
await insertCustomer(sql, CALLER, "Caller Transfer");
await sql`update public.app_settings set value = ${sql.json(STAFF)} where key = 'handoff_staff_number'`;

/** A call voice-call accepted, and the SDK's client connected to voucher-mcp with its token. */
async function callFrom(callId: string, msisdn: string | null, line: string) {
  await sql`update public.app_settings set value = ${sql.json(line)} where key = 'voice_human_line_uri'`;
  await sql`insert into public.voice_calls (call_id, webhook_id, decision, outcome)
    values (${callId}, ${"wh_" + callId}, 'accept', 'done')`;
  ai.calls.requests.length = 0;
  return await connect(await mintCallToken(SECRET, { call: callId, msisdn, ttlSeconds: 600 }, Date.now()));
}

const connect = (bearer: string) =>
  connectMcp(bearer, { VOICE_CALL_TOKEN_SECRET: SECRET, OPENAI_API_KEY: ai.apiKey, OPENAI_BASE_URL: ai.url });

const ask = (client: Client) => client.callTool({ name: TRANSFER_TOOL, arguments: {} });
const text = (result: unknown) => JSON.stringify(result);
const outbox = (waId: string, purpose: string) =>
  sql`select body from public.messages where to_wa_id = ${waId} and purpose = ${purpose}`;

dbTest("with a human line, transfer_to_human says so, then refers the call there once", async () => {
  const { client, t, close } = await callFrom("rtc_transfer_line", CALLER, LINE);
  try {
    assert.ok((await client.listTools()).tools.some((t) => t.name === TRANSFER_TOOL), "offered to the call");
    const first = await ask(client);
    assert.equal(first.isError, undefined);
    assert.match(text(first), /putting you through/);
    const second = await ask(client);
    assert.match(text(second), /putting you through/);
    await t.settle(); // the refer comes after the answer, once the model has said it
    assert.deepEqual(
      ai.calls.requests.map((r) => [r.action, r.callId, r.body.target_uri]),
      [["refer", "rtc_transfer_line", LINE]],
      "one refer, to the configured line",
    );
    const [row] = await sql`select transfer from public.voice_calls where call_id = 'rtc_transfer_line'`;
    assert.equal(row?.transfer, "referred");
    assert.equal((await outbox(CALLER.slice(1), "missed_call")).length, 0, "no WhatsApp follow-up");
  } finally {
    await close();
  }
});

dbTest("without a line, the caller gets a WhatsApp follow-up, a handoff and a staff alert", async () => {
  const { client, close } = await callFrom("rtc_transfer_noline", CALLER, "");
  try {
    const result = await ask(client);
    assert.match(text(result), /We will message you on WhatsApp/);
    await ask(client);
    assert.deepEqual(ai.calls.requests, [], "nothing referred");
    const followups = await outbox(CALLER.slice(1), "missed_call");
    assert.equal(followups.length, 1, "one follow-up, however often the model asks");
    const [conv] = await sql`select state, state_reason from public.conversations where wa_id = ${
      CALLER.slice(1)
    }`;
    assert.deepEqual({ ...conv }, { state: "human", state_reason: "asked for a person during a voice call" });
    const alerts = await outbox(STAFF, "staff_alert");
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.body, /\+250\*{5}0001 \(customer\) needs a person/);
    assert.doesNotMatch(alerts[0]!.body, /788310001/, "the number is masked");
    const [audit] = await sql`select success, channel from public.tool_calls
      where voice_call_id = 'rtc_transfer_noline' and tool = ${TRANSFER_TOOL} limit 1`;
    assert.deepEqual({ ...audit }, { success: true, channel: "mcp" }, "audited as an MCP tool call");
  } finally {
    await close();
    await sql`update public.conversations set state = 'bot' where wa_id = ${CALLER.slice(1)}`;
  }
});

dbTest("a refer OpenAI refuses turns into the WhatsApp follow-up", async () => {
  const { client, t, close } = await callFrom("rtc_transfer_refused", CALLER, LINE);
  try {
    await sql`delete from public.messages where to_wa_id = ${CALLER.slice(1)} and purpose = 'missed_call'`;
    ai.calls.failNext(500, 2); // the SDK tries twice (maxRetries 1)
    assert.match(text(await ask(client)), /putting you through/);
    await t.settle();
    assert.deepEqual(ai.calls.requests.map((r) => r.action), ["refer", "refer"]);
    const [row] = await sql`select transfer from public.voice_calls where call_id = 'rtc_transfer_refused'`;
    assert.equal(row?.transfer, "followed_up");
    assert.equal((await outbox(CALLER.slice(1), "missed_call")).length, 1);
  } finally {
    await close();
  }
});

dbTest("an unknown caller is asked to write on WhatsApp; nothing is queued for nobody", async () => {
  const { client, close } = await callFrom("rtc_transfer_unknown", null, "");
  try {
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), [TRANSFER_TOOL]);
    assert.match(text(await ask(client)), /Please write to us on WhatsApp/);
    const [row] = await sql`select transfer from public.voice_calls where call_id = 'rtc_transfer_unknown'`;
    assert.equal(row?.transfer, "followed_up");
  } finally {
    await close();
  }
});

dbTest("an agent key is not offered transfer_to_human, and calling it is refused", async () => {
  await sql`update public.app_settings set value = ${sql.json(LINE)} where key = 'voice_human_line_uri'`;
  ai.calls.requests.length = 0;
  const { client, close } = await connect(TOOL_KEY);
  try {
    assert.ok(!(await client.listTools()).tools.some((t) => t.name === TRANSFER_TOOL));
    await assert.rejects(ask(client), /transfer_to_human is not offered here/);
    assert.deepEqual(ai.calls.requests, [], "nothing referred");
  } finally {
    await close();
  }
});

Deno.test("an unknown caller's instructions say how to reach us on WhatsApp and that a person can be asked for", () => {
  const unknown = callInstructions("en", false);
  assert.match(unknown, /write to us first on WhatsApp/);
  assert.match(unknown, /cannot write to them/);
  assert.match(unknown, new RegExp(TRANSFER_TOOL));
});
