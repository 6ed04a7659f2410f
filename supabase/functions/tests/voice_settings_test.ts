/**
 * The transcription server, its model and the voice-note limits are app_settings, read per voice turn:
 * a self-hosted Kinyarwanda recogniser behind an OpenAI-compatible server replaces the hosted one
 * without a deploy. With a setting null (as seeded) the environment variable is the default.
 */
import assert from "node:assert/strict";
import { say, startFakeOpenAI } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, rig, sentTo, voiceNote } from "./_agent.ts";

const sql = await testSql();
/** Sets the app_settings of the voice path (JSON values), as ops would in the dashboard. */
async function settings(values: Record<string, unknown>) {
  for (const [key, value] of Object.entries(values)) {
    await sql`update public.app_settings set value = (${
      JSON.stringify(value)
    }::text)::jsonb where key = ${key}`;
  }
}
const NULLS = {
  transcription_base_url: null,
  transcription_model: null,
  voice_note_max_seconds: null,
  voice_note_max_bytes: null,
};

dbTest(
  "the transcription settings name the server and model that hear a voice note, without a deploy",
  async () => {
    // A second OpenAI-compatible server: the self-hosted recogniser (same key: TRANSCRIPTION_API_KEY unset).
    const asr = await startFakeOpenAI();
    const r = await rig();
    try {
      const person = await customer(sql, [{ amount: 5000, status: "issued" }]);
      await settings({ transcription_base_url: asr.url, transcription_model: "kinyarwanda-conformer" });
      asr.audio.script({ text: "Mfite voucher zingahe?", seconds: 4 });
      r.ai.script(say("Mufite voucher imwe."));
      await r.w.post(voiceNote(r, person.waId).payload);
      assert.equal(r.ai.audio.requests.length, 0, "the hosted server is not asked");
      assert.equal(asr.audio.requests[0]?.model, "kinyarwanda-conformer");
      assert.equal(asr.audio.requests[0]?.authorization, `Bearer ${asr.apiKey}`);
      assert.deepEqual(sentTo(r, person.waId), ["Mufite voucher imwe."]);
      const usage = await sql`select u.model from public.transcription_usage u
      join public.conversations c on c.id = u.conversation_id where c.wa_id = ${person.waId}`;
      assert.deepEqual(
        usage.map((u) => u.model),
        ["kinyarwanda-conformer"],
        "costed as the model that heard it",
      );

      // Back to null: the environment's server and model (OPENAI_BASE_URL, gpt-4o-transcribe) again.
      await settings(NULLS);
      r.ai.audio.script({ text: "Mfite voucher zingahe?", seconds: 4 });
      r.ai.script(say("Mufite voucher imwe."));
      await r.w.post(voiceNote(r, person.waId).payload);
      assert.equal(r.ai.audio.requests[0]?.model, "gpt-4o-transcribe");
      assert.equal(asr.audio.requests.length, 1);
    } finally {
      await settings(NULLS);
      await r.close();
      await asr.close();
    }
  },
);

dbTest(
  "the voice-note limits are settings: over voice_note_max_bytes no download, over _seconds refused",
  async () => {
    const r = await rig();
    try {
      const person = await customer(sql);
      await sql`update public.customers set preferred_language = 'en' where msisdn = ${person.msisdn}`;
      // The environment allows 16 MB: the setting's 100 kB refuses a 200 kB note before its download.
      await settings({ voice_note_max_bytes: 100_000 });
      await r.w.post(voiceNote(r, person.waId, 200_000).payload);
      assert.deepEqual(r.w.graph.media.downloads, [], "not downloaded");
      assert.match(sentTo(r, person.waId)[0] ?? "", /too long/);

      await settings({ voice_note_max_bytes: null, voice_note_max_seconds: 60 });
      r.ai.audio.script({ text: "a very long story", seconds: 95 });
      await r.w.post(voiceNote(r, person.waId).payload);
      assert.equal(r.ai.requests.length, 0, "the model is not asked");
      assert.match(sentTo(r, person.waId)[1] ?? "", /too long.*under 1 minutes/);
    } finally {
      await settings(NULLS);
      await r.close();
    }
  },
);
