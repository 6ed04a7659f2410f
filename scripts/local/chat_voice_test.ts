/** `deno task chat`'s /voice: the file uploaded as Meta takes media, and sent as a voice note whose media
 * id production's downloader fetches back byte for byte (the webhook's path from there is
 * supabase/functions/tests/whatsapp_voice_test.ts). */
import assert from "node:assert/strict";
import { startFakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";
import { createGraphClient, parseWebhook } from "../../supabase/functions/_shared/whatsapp/mod.ts";
import { newWamid, voiceCommand, voiceWebhook } from "./chat_payload.ts";
import { uploadMedia, VOICE_MIME } from "./chat_voice.ts";

Deno.test("voiceCommand() reads the file of a /voice line, quoted or not, and nothing else", () => {
  assert.equal(voiceCommand("/voice note.ogg"), "note.ogg");
  assert.equal(voiceCommand("  /voice  'my notes/hello there.ogg' "), "my notes/hello there.ogg");
  assert.equal(voiceCommand("/voice"), null);
  assert.equal(voiceCommand("voice note.ogg"), null);
  assert.equal(voiceCommand("/voicenote.ogg"), null);
});

Deno.test("a file /voice uploads comes back through production's media download, as a voice note's media id", async () => {
  const graph = startFakeGraph();
  try {
    const bytes = new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...new Array(500).fill(3)]);
    const { accessToken, phoneNumberId } = graph;
    const uploaded = await uploadMedia({ graphUrl: graph.url, accessToken, phoneNumberId, bytes, fetch });
    assert.ok("id" in uploaded, JSON.stringify(uploaded));
    const payload = voiceWebhook({
      phoneNumberId,
      sender: { waId: "250788123456", name: "Local customer" },
      mediaId: uploaded.id,
      mimeType: VOICE_MIME,
      id: newWamid(),
      now: new Date(),
    });
    const [note] = parseWebhook(payload, { phoneNumberId }).messages;
    assert.equal(note?.type, "audio");
    assert.equal(note?.media?.id, uploaded.id, "the voice note names the uploaded media");
    const client = createGraphClient({ graphUrl: graph.url, phoneNumberId, accessToken, fetch });
    const downloaded = await client.media(uploaded.id, 1_000_000);
    assert.ok(downloaded.ok, JSON.stringify(downloaded));
    assert.deepEqual(
      downloaded.bytes,
      bytes,
      "the bytes uploaded are the bytes the webhook would transcribe",
    );
    assert.equal(downloaded.mimeType, VOICE_MIME);
  } finally {
    await graph.close();
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
