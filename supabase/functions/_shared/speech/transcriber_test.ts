import assert from "node:assert/strict";
import { startFakeOpenAI } from "../../_testing/openai_fake.ts";
import { createTranscriber } from "./mod.ts";

const NOTE = { bytes: new Uint8Array([0x4f, 0x67, 0x67, 0x53, 9, 9]), mimeType: "audio/ogg; codecs=opus" };

Deno.test("transcribe() posts the note to /audio/transcriptions with the model and the language hint", async () => {
  const ai = await startFakeOpenAI();
  try {
    ai.audio.script({ text: " Mfite voucher zingahe? ", seconds: 4.2, logprob: -0.1 });
    const t = createTranscriber({ apiKey: ai.apiKey, baseUrl: ai.url, model: "gpt-4o-transcribe", fetch });
    const heard = await t.transcribe(NOTE, "rw");
    assert.equal(heard.text, "Mfite voucher zingahe?");
    assert.equal(heard.seconds, 4.2);
    assert.ok(Math.abs(heard.confidence! - Math.exp(-0.1)) < 1e-9);
    const [request] = ai.audio.requests;
    assert.deepEqual(
      [request!.model, request!.language, request!.file.name, request!.file.size, request!.include],
      ["gpt-4o-transcribe", "rw", "voice.ogg", NOTE.bytes.length, ["logprobs"]],
    );
  } finally {
    await ai.close();
  }
});

Deno.test("transcribe() asks another server's model for no logprobs, and sends no hint it cannot read", async () => {
  const ai = await startFakeOpenAI();
  try {
    ai.audio.script({ text: "hello" });
    const t = createTranscriber({ apiKey: ai.apiKey, baseUrl: ai.url, model: "rw-conformer", fetch });
    const heard = await t.transcribe(NOTE, null);
    assert.equal(heard.confidence, undefined);
    assert.deepEqual([ai.audio.requests[0]!.language, ai.audio.requests[0]!.include], [undefined, []]);
  } finally {
    await ai.close();
  }
});

Deno.test("transcribe() throws when the server fails", async () => {
  const ai = await startFakeOpenAI();
  try {
    ai.audio.script({ status: 500 }, { status: 500 });
    const t = createTranscriber({ apiKey: ai.apiKey, baseUrl: ai.url, model: "gpt-4o-transcribe", fetch });
    await assert.rejects(t.transcribe(NOTE, "en"));
  } finally {
    await ai.close();
  }
});
