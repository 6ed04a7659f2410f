/**
 * Voice notes and other media through the real webhook, the fake Graph API (media lookup and download,
 * bearer checked) and the fake OpenAI (responses and /audio/transcriptions): a note is heard and
 * answered, its transcript kept as the message's body and never its audio; a long one is refused
 * without a download; the switch off, an empty transcript and a failure ask the sender to type or try
 * again; a spoken proposal says what was heard, and a spoken "yes <code>" confirms nothing.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { locationMessage, mediaMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, OGG, operator, rig, sentTo, text, voiceNote } from "./_agent.ts";

const sql = await testSql();
/** A customer who reads English (the fixtures' customers read Kinyarwanda). */
async function english() {
  const person = await customer(sql);
  await sql`update public.customers set preferred_language = 'en' where msisdn = ${person.msisdn}`;
  return person;
}
const bodyOf = async (waId: string) =>
  (await sql`select m.body from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId} and m.direction = 'inbound' and m.type = 'audio'`)[0]?.body;

dbTest("a voice note is downloaded, transcribed in the sender's language and answered as text", async () => {
  const r = await rig();
  try {
    const person = await customer(sql, [{ amount: 5000, status: "issued" }]);
    await sql`update public.customers set preferred_language = 'rw' where msisdn = ${person.msisdn}`;
    const note = voiceNote(r, person.waId);
    r.ai.audio.script({ text: "Mfite voucher zingahe?", seconds: 4 });
    r.ai.script(say("Mufite voucher imwe ya 5,000 RWF."));
    await r.w.post(note.payload);
    assert.deepEqual(r.w.graph.media.lookups, [note.mediaId]);
    assert.deepEqual(r.w.graph.media.downloads, [note.mediaId]);
    const [heard] = r.ai.audio.requests;
    assert.equal(heard!.model, "gpt-4o-transcribe");
    assert.equal(heard!.language, "rw");
    assert.equal(heard!.file.size, OGG.length);
    assert.equal(heard!.authorization, `Bearer ${r.ai.apiKey}`);
    const input = JSON.stringify(r.ai.requests[0]!.body.input);
    assert.match(input, /Mfite voucher zingahe\?/, "the transcript is the turn's text");
    assert.deepEqual(
      sentTo(r, person.waId),
      ["Mufite voucher imwe ya 5,000 RWF."],
      "no 'I heard' without an effect",
    );
    assert.equal(await bodyOf(person.waId), "Mfite voucher zingahe?", "the transcript is the body");
    assert.ok(!r.w.lines.some((l) => JSON.stringify(l).includes("Mfite")), "no transcript in the logs");
    const usage = await sql`select u.model, u.seconds from public.transcription_usage u
      join public.conversations c on c.id = u.conversation_id where c.wa_id = ${person.waId}`;
    assert.deepEqual(
      usage.map((u) => [u.model, u.seconds]),
      [["gpt-4o-transcribe", 4]],
      "its seconds are recorded for the cost and the AI budget",
    );
  } finally {
    await r.close();
  }
});

dbTest("a voice note over the size limit gets a polite answer, with no download", async () => {
  const r = await rig({ VOICE_NOTE_MAX_BYTES: "100000" });
  try {
    const person = await english();
    const note = voiceNote(r, person.waId, 200_000);
    await r.w.post(note.payload);
    assert.deepEqual(r.w.graph.media.downloads, [], "not downloaded");
    assert.equal(r.ai.audio.requests.length, 0);
    assert.equal(r.ai.requests.length, 0);
    assert.match(sentTo(r, person.waId)[0]!, /too long.*shorter one \(under 2 minutes\)/);
  } finally {
    await r.close();
  }
});

dbTest("a voice note longer than the duration limit is refused once transcribed", async () => {
  const r = await rig({ VOICE_NOTE_MAX_SECONDS: "60" });
  try {
    const person = await english();
    r.ai.audio.script({ text: "a very long story", seconds: 95 });
    await r.w.post(voiceNote(r, person.waId).payload);
    assert.equal(r.ai.requests.length, 0, "the model is not asked");
    assert.match(sentTo(r, person.waId)[0]!, /too long.*under 1 minutes/);
    assert.equal(await bodyOf(person.waId), null, "nothing kept");
  } finally {
    await r.close();
  }
});

dbTest("with AI_VOICE_NOTES_ENABLED off the sender is asked to type; nothing is fetched", async () => {
  const r = await rig({ AI_VOICE_NOTES_ENABLED: "false" });
  try {
    const person = await english();
    await r.w.post(voiceNote(r, person.waId).payload);
    assert.deepEqual(r.w.graph.media.lookups, []);
    assert.equal(r.ai.audio.requests.length + r.ai.requests.length, 0);
    assert.match(sentTo(r, person.waId)[0]!, /cannot listen to voice notes right now\. Please type/);
  } finally {
    await r.close();
  }
});

dbTest("an empty or unsure transcript asks the sender to try again, never guesses", async () => {
  const r = await rig();
  try {
    const person = await english();
    r.ai.audio.script({ text: "" }, { text: "give me money", logprob: -2.5 });
    await r.w.post(voiceNote(r, person.waId).payload);
    await r.w.post(voiceNote(r, person.waId).payload);
    assert.equal(r.ai.audio.requests.length, 2);
    assert.deepEqual(r.ai.audio.requests[0]!.include, ["logprobs"]);
    assert.equal(r.ai.requests.length, 0, "the model is never asked");
    const replies = sentTo(r, person.waId);
    assert.equal(replies.length, 2);
    for (const reply of replies) assert.match(reply, /could not make out your voice note\. Please try again/);
  } finally {
    await r.close();
  }
});

dbTest(
  "a spoken proposal says what was heard; a spoken 'yes <code>' confirms nothing, typed it does",
  async () => {
    const r = await rig();
    try {
      const staff = await operator(sql);
      const target = await customer(sql);
      r.ai.audio.script({ text: `Create a voucher of 4000 for ${target.msisdn}` });
      r.ai.script(
        calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 4000 })),
        say("Please confirm."),
      );
      await r.w.post(voiceNote(r, staff.waId).payload);
      const [action] = await sql`select status, confirmation_code from public.pending_actions
      where args ->> 'customer_msisdn' = ${target.msisdn}`;
      assert.ok(action, "proposed");
      const [heard, ...proposal] = sentTo(r, staff.waId);
      assert.equal(heard, `I heard: Create a voucher of 4000 for ${target.msisdn}`);
      assert.match(proposal.join("\n"), new RegExp(`YES ${action.confirmation_code}`));

      r.ai.audio.script({ text: `yes ${action.confirmation_code}` });
      r.ai.script(say("Please type YES and the code, or tap Confirm."));
      await r.w.post(voiceNote(r, staff.waId).payload);
      const status = async () =>
        (await sql`select status from public.pending_actions where args ->> 'customer_msisdn' = ${target.msisdn}`)[
          0
        ]!
          .status;
      assert.equal(await status(), "pending", "a transcript does not confirm");
      assert.equal(r.ai.requests.length, 3, "the spoken yes went to the model, not the confirmations");

      await r.w.post(text(staff.waId, `YES ${action.confirmation_code}`));
      assert.equal(await status(), "done", "the same code typed confirms");
    } finally {
      await r.close();
    }
  },
);

dbTest("images, documents, stickers and locations get a short answer saying what is read", async () => {
  const r = await rig();
  try {
    const person = await english();
    const others = [
      mediaMessage("image", { from: person.waId, timestamp: new Date() }),
      mediaMessage("document", { from: person.waId, timestamp: new Date(), filename: "id.pdf" }),
      mediaMessage("sticker", { from: person.waId, timestamp: new Date() }),
      locationMessage({ from: person.waId, timestamp: new Date() }),
    ];
    for (const m of others) await r.w.post(webhookPayload({ messages: [m] }));
    const replies = sentTo(r, person.waId);
    assert.equal(replies.length, 4);
    for (const reply of replies) assert.match(reply, /text messages, voice notes and button taps/);
    assert.deepEqual(r.w.graph.media.lookups, [], "nothing downloaded");
  } finally {
    await r.close();
  }
});

dbTest("a voice note Meta delivers twice is downloaded, transcribed and answered once", async () => {
  const r = await rig();
  try {
    const person = await english();
    const note = voiceNote(r, person.waId);
    r.ai.audio.script({ text: "What vouchers do I have?" });
    r.ai.script(say("You have none."));
    await r.w.post(note.payload);
    await r.w.post(note.payload);
    assert.deepEqual(r.w.graph.media.downloads, [note.mediaId]);
    assert.equal(r.ai.audio.requests.length, 1);
    assert.deepEqual(sentTo(r, person.waId), ["You have none."]);
  } finally {
    await r.close();
  }
});
