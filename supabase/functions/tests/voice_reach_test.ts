/**
 * An unknown voice caller's offer of a WhatsApp message (issue 17 §1): voice-call gives a caller whose
 * number matches no customer a token that names the number to reach, and the offer in its instructions;
 * voucher-mcp offers that call send_whatsapp_message, which queues one missed_call message per call.
 * Customers' calls, old tokens without the number, and agents are not offered it. Through the real
 * handlers, a real Postgres, the fake OpenAI and the SDK's MCP client playing the model.
 */
import assert from "node:assert/strict";
import { mintCallToken, verifyCallToken } from "../_shared/calls/mod.ts";
import type { Client } from "../_shared/mcp/mod.ts";
import { dbTest, insertCustomer, testDeps, testSql, TOOL_KEY } from "../_testing/harness.ts";
import { startFakeOpenAI } from "../_testing/openai_fake.ts";
import { callIncoming, WEBHOOK_SECRET, webhookSender } from "../_testing/openai_webhooks.ts";
import { createHandler } from "../voice-call/index.ts";
import { connectMcp } from "./_mcp.ts";

/** The tool's name, as the accept body and tools/list carry it. */
const REACH = "send_whatsapp_message";
const SECRET = "reach-token-secret-0123456789abcdef";
const UNKNOWN = "+250788320001";
const KNOWN = "+250788320009";
const sql = await testSql();
const ai = await startFakeOpenAI();
await insertCustomer(sql, KNOWN, "Caller Reach");

const connect = (bearer: string) => connectMcp(bearer, { VOICE_CALL_TOKEN_SECRET: SECRET });

/** A call voice-call accepted (with the customer when `customer`), and its token's client. */
async function callFrom(callId: string, claims: { msisdn: string | null; reach?: string }) {
  await sql`insert into public.voice_calls (call_id, webhook_id, customer_id, decision, outcome)
    values (${callId}, ${"wh_" + callId},
      (select id from public.customers where msisdn = ${claims.msisdn ?? ""}), 'accept', 'done')`;
  return await connect(await mintCallToken(SECRET, { call: callId, ...claims, ttlSeconds: 600 }, Date.now()));
}

const ask = (client: Client) => client.callTool({ name: REACH, arguments: {} });
const text = (result: unknown) => JSON.stringify(result);
const outbox = (waId: string) =>
  sql`select body, purpose from public.messages where to_wa_id = ${waId} and direction = 'outbound'`;

dbTest("an unknown caller is offered send_whatsapp_message: one missed_call message per call", async () => {
  const { client, close } = await callFrom("rtc_reach_one", { msisdn: null, reach: UNKNOWN });
  try {
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.deepEqual(
      names.sort(),
      [REACH, "transfer_to_human"].sort(),
      "the offer and the transfer, no reads",
    );
    const first = await ask(client);
    assert.equal(first.isError, undefined);
    assert.match(text(first), /sent you a WhatsApp message/);
    const second = await ask(client);
    assert.equal(second.isError, undefined);
    assert.match(text(second), /already/);
    const sent = await outbox(UNKNOWN.slice(1));
    assert.equal(sent.length, 1, "one message, however often the model asks");
    assert.equal(sent[0]!.purpose, "missed_call");
    assert.match(sent[0]!.body, /mutwandikire hano/i, "an invitation to write, in Kinyarwanda");
    const audits = await sql`select success, channel from public.tool_calls
      where voice_call_id = 'rtc_reach_one' and tool = ${REACH}`;
    assert.deepEqual(audits.map((a) => ({ ...a })), [
      { success: true, channel: "mcp" },
      { success: true, channel: "mcp" },
    ], "audited as MCP tool calls");
  } finally {
    await close();
  }
});

dbTest("a number that opted out gets no message, and the model is told it was not sent", async () => {
  const waId = "250788320002";
  await sql`insert into public.whatsapp_opt_outs (wa_id, source) values (${waId}, 'stop')`;
  const { client, close } = await callFrom("rtc_reach_optout", { msisdn: null, reach: "+" + waId });
  try {
    assert.match(text(await ask(client)), /could not send/);
    assert.equal((await outbox(waId)).length, 0);
  } finally {
    await close();
  }
});

dbTest(
  "a customer's call, an unknown caller's token without a number, and an agent are not offered it",
  async () => {
    const customer = await callFrom("rtc_reach_known", { msisdn: KNOWN });
    const old = await callFrom("rtc_reach_old", { msisdn: null });
    const agent = await connect(TOOL_KEY);
    try {
      for (const { client } of [customer, old, agent]) {
        assert.ok(!(await client.listTools()).tools.some((t) => t.name === REACH), "not listed");
        await assert.rejects(ask(client), /send_whatsapp_message is not offered here/);
      }
      assert.equal((await outbox(KNOWN.slice(1))).length, 0, "nothing queued");
    } finally {
      await Promise.all([customer.close(), old.close(), agent.close()]);
    }
  },
);

dbTest(
  "voice-call accepts an unknown caller with the number to reach in its token, and offers the message",
  async () => {
    await sql`update public.feature_flags set enabled = true where name = 'AI_REALTIME_ENABLED'`;
    await sql`update public.app_settings set value = '1000' where key = 'voice_max_concurrent_calls'`;
    const t = await testDeps({
      OPENAI_API_KEY: ai.apiKey,
      OPENAI_BASE_URL: ai.url,
      OPENAI_WEBHOOK_SECRET: WEBHOOK_SECRET,
      VOICE_CALL_TOKEN_SECRET: SECRET,
      VOUCHER_MCP_URL: "http://127.0.0.1:54321/functions/v1/voucher-mcp",
    });
    const sender = webhookSender(createHandler(t.deps));
    for (const [from, reach] of [[UNKNOWN, UNKNOWN], [KNOWN, undefined]] as const) {
      ai.calls.requests.length = 0;
      const event = callIncoming({ from: `<sip:${from}@trunk.example.com>` });
      assert.equal((await sender.deliver(event)).res.status, 200);
      const { instructions, tools } = ai.calls.requests[0]!.body;
      const token = tools[0].headers.Authorization.replace(/^Bearer /, "");
      const verified = await verifyCallToken([SECRET], token, Date.now(), event.data.call_id);
      assert.ok(verified.ok);
      assert.equal(verified.claims.reach, reach, "the number to reach, only for an unknown caller");
      assert.equal(tools[0].allowed_tools.includes(REACH), reach !== undefined);
      assert.equal(new RegExp(REACH).test(instructions), reach !== undefined, "the instructions offer it");
      assert.ok(!t.raw().includes(from.slice(4)), "no number in the logs");
    }
    await t.settle();
  },
);
