/**
 * What a reply costs, through the real webhook with the fake OpenAI and Graph API: Meta's pricing
 * recorded from a status webhook, and the daily AI budget that hands the turn to the menu until
 * midnight in Kigali.
 */
import assert from "node:assert/strict";
import { say } from "../_testing/openai_fake.ts";
import { statusUpdate, webhookPayload } from "../_testing/meta.ts";
import { recordTranscriptionUsage } from "../_shared/db/mod.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, rig, text } from "./_agent.ts";

const sql = await testSql();

dbTest(
  "a status carrying Meta's pricing records what the reply costs, once however often it comes",
  async () => {
    const r = await rig();
    try {
      const me = await customer(sql);
      r.ai.script(say("Hello! How can I help?"));
      await r.w.post(text(me.waId, "hello"));
      const sent = r.w.graph.sent.find((s) => s.to === me.waId)!;
      assert.ok(sent, "the reply was sent");
      const pricing = { billable: true, pricing_model: "PMP", category: "utility", type: "regular" };
      const delivered = statusUpdate({
        id: sent.id,
        status: "delivered",
        recipientId: me.waId,
        extra: { pricing },
      });
      for (let i = 0; i < 2; i++) {
        assert.equal((await r.w.post(webhookPayload({ statuses: [delivered] }))).status, 200);
      }
      const rows = await sql`
      select p.billable, p.category, p.pricing_model, p.pricing_type, p.caller_role
      from public.message_pricing p join public.messages m on m.id = p.message_id
      where m.wa_message_id = ${sent.id}`;
      assert.deepEqual(rows.map((x) => ({ ...x })), [{
        billable: true,
        category: "utility",
        pricing_model: "PMP",
        pricing_type: "regular",
        caller_role: "customer",
      }]);
      const [cost] = await sql`
      select sum(usd)::float8 as usd from public.cost_report(1) c
      join public.messages m on m.conversation_id = c.conversation_id
      where m.wa_message_id = ${sent.id} and c.kind = 'meta'`;
      assert.equal(cost!.usd, 0.004, "priced at the utility rate of app_settings.cost_meta_usd_per_message");
    } finally {
      await r.close();
    }
  },
);

dbTest(
  "when today's AI budget is spent the menu answers without calling OpenAI, and the agent is back the next day",
  async () => {
    const r = await rig();
    const [row] = await sql`
    insert into public.model_calls (model, outcome, latency_ms, input_tokens, output_tokens)
    values ('gpt-test', 'ok', 10, 100000000, 0) returning id`;
    try {
      const me = await customer(sql);
      await r.w.post(text(me.waId, "what vouchers do I have?"));
      assert.equal(r.ai.requests.length, 0, "OpenAI was not called");
      assert.equal(r.w.graph.sent.filter((s) => s.to === me.waId).length, 1, "the menu answered");

      // Yesterday in Kigali: the budget is whole again.
      await sql`update public.model_calls set created_at = public.cost_kigali_day_start() - interval '1 second'
      where id = ${row!.id}`;
      r.ai.script(say("You have no vouchers yet."));
      await r.w.post(text(me.waId, "and now?"));
      assert.equal(r.ai.requests.length, 1, "the agent answers again");
    } finally {
      await sql`delete from public.model_calls where id = ${row!.id}`;
      await r.close();
    }
  },
);

dbTest(
  "recordTranscriptionUsage records a voice note's seconds against its conversation, priced per minute",
  async () => {
    const r = await rig();
    try {
      const me = await customer(sql);
      r.ai.script(say("Hello!"));
      await r.w.post(text(me.waId, "hello"));
      const [conv] = await sql`select id from public.conversations where wa_id = ${me.waId}`;
      await recordTranscriptionUsage(r.w.deps.db, {
        p_model: "gpt-4o-transcribe",
        p_seconds: 90,
        p_conversation_id: conv!.id,
      });
      const [cost] = await sql`
      select sum(usd)::float8 as usd, sum(rwf)::float8 as rwf from public.cost_report(1)
      where conversation_id = ${conv!.id} and kind = 'transcription'`;
      assert.deepEqual(
        { ...cost },
        { usd: 0.009, rwf: 13.05 },
        "1.5 minutes at 0.006 USD, at 1450 RWF per USD",
      );
    } finally {
      await r.close();
    }
  },
);
