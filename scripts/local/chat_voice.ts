/**
 * `deno task chat`'s voice notes: a file uploaded to the Graph API's media as Meta takes it
 * (POST /{phone-number-id}/media, multipart: messaging_product, file, type), so that the webhook's
 * download (GET /{media-id}, then its url) finds it, as it finds a note a phone sent.
 */

/** WhatsApp's voice notes are OGG/Opus; the file is sent as one whatever its name. */
export const VOICE_MIME = "audio/ogg; codecs=opus";

/** Uploads `bytes` and gives the media id Meta answered, or what went wrong in a sentence. */
export async function uploadMedia(o: {
  graphUrl: string;
  accessToken: string;
  phoneNumberId: string;
  bytes: Uint8Array<ArrayBuffer>;
  fetch: typeof fetch;
}): Promise<{ id: string } | { problem: string }> {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", VOICE_MIME);
  form.set("file", new File([o.bytes], "voice.ogg", { type: VOICE_MIME }));
  const url = `${o.graphUrl}/${o.phoneNumberId}/media`;
  try {
    const res = await o.fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${o.accessToken}` },
      body: form,
    });
    const answer = await res.json().catch(() => ({}));
    if (res.ok && typeof answer.id === "string") return { id: answer.id };
    return {
      problem: `the media upload answered HTTP ${res.status} ${JSON.stringify(answer).slice(0, 300)}`,
    };
  } catch (error) {
    return {
      problem: `cannot reach ${url} (is ./scripts/dev running?): ${
        error instanceof Error ? error.message : error
      }`,
    };
  }
}
