import assert from "node:assert/strict";
import { createFakeGraph } from "../../_testing/graph_fake.ts";

const AUDIO = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2, 3, 4]);
const OGG = "audio/ogg; codecs=opus";

Deno.test("media() looks the id up, then downloads its url, both with the bearer token", async () => {
  const fake = createFakeGraph();
  fake.media.add("771", { bytes: AUDIO, mimeType: OGG });
  const result = await fake.client().media("771", 1_000);
  assert.deepEqual(result, { ok: true, bytes: AUDIO, mimeType: OGG });
  assert.deepEqual([fake.media.lookups, fake.media.downloads], [["771"], ["771"]]);
});

Deno.test("media() does not download what Meta states is over the limit", async () => {
  const fake = createFakeGraph();
  fake.media.add("772", { bytes: AUDIO, mimeType: OGG, fileSize: 5_000_000 });
  assert.deepEqual(await fake.client().media("772", 1_000_000), {
    ok: false,
    kind: "too_large",
    size: 5_000_000,
  });
  assert.deepEqual(fake.media.downloads, []);
});

Deno.test("media() fails without the token in its title for an unknown id or a refused token", async () => {
  const fake = createFakeGraph();
  fake.media.add("773", { bytes: AUDIO, mimeType: OGG });
  const unknown = await fake.client().media("999", 1_000);
  assert.deepEqual(unknown, { ok: false, kind: "failed", title: "media lookup: HTTP 400" });
  const refused = await fake.client({ accessToken: "EAAWrongToken000000000000" }).media("773", 1_000);
  assert.deepEqual(refused, { ok: false, kind: "failed", title: "media lookup: HTTP 401" });
  assert.deepEqual(fake.media.downloads, []);
  const offline = await fake.client({ fetch: () => Promise.reject(new TypeError("boom")) }).media(
    "773",
    1_000,
  );
  assert.deepEqual(offline, { ok: false, kind: "failed", title: "network error" });
});
