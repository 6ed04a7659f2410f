import assert from "node:assert/strict";
import { requireBearer } from "./auth.ts";
import { HttpError } from "./errors.ts";

const KEY = "tool-key-0123456789abcdef";
const NEXT_KEY = "tool-key-fedcba9876543210";

function request(authorization?: string): Request {
  return new Request("http://127.0.0.1/tool", {
    method: "POST",
    headers: authorization === undefined ? {} : { authorization },
  });
}

/** Asserts `promise` rejects with a 401 unauthorized carrying a Bearer challenge; returns the error. */
async function unauthorized(promise: Promise<unknown>): Promise<HttpError> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof HttpError, `expected an HttpError, got ${String(caught)}`);
  assert.equal(caught.status, 401);
  assert.equal(caught.code, "unauthorized");
  assert.match(new Headers(caught.headers).get("www-authenticate") ?? "", /^Bearer realm="[^"]+"$/);
  return caught;
}

Deno.test("requireBearer() answers 401 with a www-authenticate challenge when Authorization is missing", async () => {
  const err = await unauthorized(requireBearer(request(), [KEY]));
  assert.match(err.message, /Missing Authorization/);
});

Deno.test("requireBearer() answers 401 when Authorization is not a Bearer header", async () => {
  await unauthorized(requireBearer(request(`Basic ${btoa("user:pass")}`), [KEY]));
  await unauthorized(requireBearer(request("Bearer"), [KEY]));
  await unauthorized(requireBearer(request(KEY), [KEY]));
});

Deno.test("requireBearer() answers 401 'Invalid API key' for a wrong key", async () => {
  const err = await unauthorized(requireBearer(request("Bearer tool-key-wrong-0000000000"), [KEY, NEXT_KEY]));
  assert.match(err.message, /Invalid API key/);
  assert.ok(!err.message.includes(KEY), "the expected key must not be in the message");
});

Deno.test("requireBearer() accepts 'Bearer <key>'", async () => {
  assert.match((await requireBearer(request(`Bearer ${KEY}`), [KEY])).keyId, /^[0-9a-f]{12}$/);
});

Deno.test("requireBearer() accepts a lowercase 'bearer' scheme", async () => {
  assert.match((await requireBearer(request(`bearer ${KEY}`), [KEY])).keyId, /^[0-9a-f]{12}$/);
});

Deno.test("requireBearer() accepts the second key of a rotation", async () => {
  assert.match((await requireBearer(request(`Bearer ${NEXT_KEY}`), [KEY, NEXT_KEY])).keyId, /^[0-9a-f]{12}$/);
});

Deno.test("requireBearer() names each key by a fingerprint that is not the key", async () => {
  const one = (await requireBearer(request(`Bearer ${KEY}`), [KEY, NEXT_KEY])).keyId;
  const two = (await requireBearer(request(`Bearer ${NEXT_KEY}`), [KEY, NEXT_KEY])).keyId;
  assert.notEqual(one, two);
  assert.ok(!KEY.includes(one) && !NEXT_KEY.includes(two));
});

Deno.test("requireBearer() rejects a key followed by another word", async () => {
  await unauthorized(requireBearer(request(`Bearer ${KEY} extra`), [KEY]));
});
