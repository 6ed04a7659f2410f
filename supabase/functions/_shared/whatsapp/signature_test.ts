import assert from "node:assert/strict";
import { signBody, verifySignature } from "./signature.ts";
import { textMessage, webhookPayload } from "../../_testing/meta.ts";

const SECRET = "app-secret-aaaaaaaaaaaaaaaa";
const NEXT_SECRET = "app-secret-bbbbbbbbbbbbbbbb";
const body = new TextEncoder().encode(JSON.stringify(webhookPayload({ messages: [textMessage()] })));

Deno.test("signBody() gives sha256= and the RFC 4231 test case 2 HMAC", async () => {
  assert.equal(
    await signBody("what do ya want for nothing?", "Jefe"),
    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
});

Deno.test("verifySignature() accepts a body signed with the app secret", async () => {
  assert.equal(await verifySignature(body, await signBody(body, SECRET), [SECRET]), true);
});

Deno.test("verifySignature() rejects a body signed with another secret", async () => {
  assert.equal(await verifySignature(body, await signBody(body, "someone-elses-secret"), [SECRET]), false);
});

Deno.test("verifySignature() accepts either secret during a rotation", async () => {
  const header = await signBody(body, NEXT_SECRET);
  assert.equal(await verifySignature(body, header, [SECRET, NEXT_SECRET]), true);
  assert.equal(await verifySignature(body, await signBody(body, SECRET), [SECRET, NEXT_SECRET]), true);
  assert.equal(await verifySignature(body, header, [SECRET]), false);
});

Deno.test("verifySignature() rejects a body changed by one byte", async () => {
  const header = await signBody(body, SECRET);
  const changed = body.slice();
  changed[changed.length - 2] = (changed[changed.length - 2] ?? 0) ^ 1;
  assert.equal(await verifySignature(changed, header, [SECRET]), false);
});

Deno.test("verifySignature() rejects a missing header or an empty secret list", async () => {
  assert.equal(await verifySignature(body, null, [SECRET]), false);
  assert.equal(await verifySignature(body, "", [SECRET]), false);
  assert.equal(await verifySignature(body, await signBody(body, SECRET), []), false);
});

Deno.test("verifySignature() rejects malformed headers", async () => {
  const hex = (await signBody(body, SECRET)).slice("sha256=".length);
  for (
    const header of [
      hex, // no prefix
      `sha1=${hex}`,
      `sha256=${hex.slice(0, 62)}`, // short
      `sha256=${hex}00`, // long
      `sha256=${hex.slice(0, 62)}zz`, // not hex
    ]
  ) {
    assert.equal(await verifySignature(body, header, [SECRET]), false, header);
  }
});

Deno.test("verifySignature() accepts an upper-case hex digest", async () => {
  const header = await signBody(body, SECRET);
  assert.equal(await verifySignature(body, `sha256=${header.slice(7).toUpperCase()}`, [SECRET]), true);
});

Deno.test("verifySignature() checks the UTF-8 bytes sent, not a re-encoding of the same text", async () => {
  const text = "Muraho! Ndashaka kumenya voucher zanjye 🙏 — café crème";
  const sent = JSON.stringify(webhookPayload({ messages: [textMessage({ body: text })] }));
  const bytes = new TextEncoder().encode(sent);
  assert.equal(await verifySignature(bytes, await signBody(sent, SECRET), [SECRET]), true);
  // The same JSON with every non-ASCII character as a \u escape: equal once parsed, other bytes.
  const escaped = sent.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  assert.deepEqual(JSON.parse(escaped), JSON.parse(sent));
  assert.equal(await verifySignature(bytes, await signBody(escaped, SECRET), [SECRET]), false);
});
