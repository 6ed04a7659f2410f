import assert from "node:assert/strict";
import { createFakeGraph } from "./graph_fake.ts";

const BASE = "http://graph.test/v23.0";

/** Meta's upload: multipart with messaging_product, the file and its type, to /{phone-number-id}/media. */
function upload(
  phoneNumberId: string,
  token: string,
  fields: { product?: string; bytes?: Uint8Array<ArrayBuffer> } = {},
) {
  const form = new FormData();
  if (fields.product !== "") form.set("messaging_product", fields.product ?? "whatsapp");
  form.set("type", "audio/ogg");
  form.set("file", new File([fields.bytes ?? new Uint8Array([1, 2, 3])], "note.ogg", { type: "audio/ogg" }));
  return new Request(`${BASE}/${phoneNumberId}/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

Deno.test("the fake Graph API takes an upload (POST /{phone-number-id}/media) and serves it as inbound media", async () => {
  const graph = createFakeGraph({ phoneNumberId: "111", accessToken: "token-aaaa" });
  const bytes = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 9, 9]);
  const res = await graph.fetch(upload("111", "token-aaaa", { bytes }));
  assert.equal(res.status, 200);
  const { id } = await res.json();
  assert.match(id, /^\d+$/, "a media id, as Meta's");
  const auth = { headers: { authorization: "Bearer token-aaaa" } };
  const media = await (await graph.fetch(new Request(`${BASE}/${id}`, auth))).json();
  assert.equal(media.mime_type, "audio/ogg");
  assert.equal(media.file_size, bytes.length);
  const download = await graph.fetch(new Request(media.url, auth));
  assert.deepEqual(new Uint8Array(await download.arrayBuffer()), bytes);
});

Deno.test("the fake Graph API refuses an upload without the token, to another number, or without messaging_product", async () => {
  const graph = createFakeGraph({ phoneNumberId: "111", accessToken: "token-aaaa" });
  assert.equal((await graph.fetch(upload("111", "wrong"))).status, 401);
  const other = await graph.fetch(upload("222", "token-aaaa"));
  assert.equal(other.status, 400);
  assert.equal((await other.json()).error.code, 100);
  const bare = await graph.fetch(upload("111", "token-aaaa", { product: "" }));
  assert.equal(bare.status, 400);
  assert.equal((await bare.json()).error.code, 100);
});
