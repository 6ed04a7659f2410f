/** `deno task chat`'s /voice, end to end: the file uploaded as Meta takes media, then sent as a voice
 * note through the real webhook, which downloads it, has it transcribed and answers. */
import assert from "node:assert/strict";
import { say } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, rig } from "./_agent.ts";
import { newWamid, voiceCommand, voiceWebhook } from "../../../scripts/local/chat_payload.ts";
import { uploadMedia, VOICE_MIME } from "../../../scripts/local/chat_voice.ts";

const sql = await testSql();

Deno.test("voiceCommand() reads the file of a /voice line, quoted or not, and nothing else", () => {
  assert.equal(voiceCommand("/voice note.ogg"), "note.ogg");
  assert.equal(voiceCommand("  /voice  'my notes/hello there.ogg' "), "my notes/hello there.ogg");
  assert.equal(voiceCommand("/voice"), null);
  assert.equal(voiceCommand("voice note.ogg"), null);
  assert.equal(voiceCommand("/voicenote.ogg"), null);
});

dbTest("a file /voice uploads is heard and answered as a voice note through the real webhook", async () => {
  const r = await rig();
  try {
    const person = await customer(sql, [{ amount: 5000, status: "issued" }]);
    const bytes = new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...new Array(500).fill(3)]);
    const { graph } = r.w;
    const uploaded = await uploadMedia({
      graphUrl: graph.url,
      accessToken: graph.accessToken,
      phoneNumberId: graph.phoneNumberId,
      bytes,
      fetch,
    });
    assert.ok("id" in uploaded, JSON.stringify(uploaded));
    r.ai.audio.script({ text: "Mfite voucher zingahe?", seconds: 3 });
    r.ai.script(say("Mufite voucher imwe."));
    const payload = voiceWebhook({
      phoneNumberId: graph.phoneNumberId,
      sender: { waId: person.waId, name: "Local customer" },
      mediaId: uploaded.id,
      mimeType: VOICE_MIME,
      id: newWamid(),
      now: new Date(),
    });
    assert.equal((await r.w.post(payload)).status, 200);
    assert.deepEqual(graph.media.downloads, [uploaded.id], "the webhook downloaded the uploaded note");
    assert.equal(r.ai.audio.requests[0]?.file.size, bytes.length, "and had those bytes transcribed");
    assert.deepEqual(graph.sent.filter((s) => s.to === person.waId).map((s) => s.body), [
      "Mufite voucher imwe.",
    ]);
  } finally {
    await r.close();
  }
});

Deno.test("uploadMedia() says what went wrong when the Graph API refuses the upload", async () => {
  const refused = await uploadMedia({
    graphUrl: "http://graph.test/v23.0",
    accessToken: "wrong",
    phoneNumberId: "1",
    bytes: new Uint8Array([1]),
    fetch: () => Promise.resolve(Response.json({ error: { code: 190 } }, { status: 401 })),
  });
  assert.deepEqual(refused, { problem: 'the media upload answered HTTP 401 {"error":{"code":190}}' });
});
