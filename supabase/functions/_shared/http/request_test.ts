import assert from "node:assert/strict";
import { rejectsWith } from "../../_testing/assert.ts";
import { readBodyLimited, readJsonObject, requireMethod } from "./request.ts";
import { HttpError } from "./errors.ts";

const encoder = new TextEncoder();

/** A body stream that yields `chunks` one by one and records how many were pulled. */
function chunkedStream(chunks: Uint8Array[]) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[state.pulled];
      if (next === undefined) return controller.close();
      state.pulled++;
      controller.enqueue(next);
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/fn", { method: "POST", body, headers });
}

Deno.test("requireMethod() lets an allowed method through", () => {
  const req = new Request("http://127.0.0.1/fn", { method: "POST" });
  assert.equal(requireMethod(req, "GET", "POST"), undefined);
});

Deno.test("requireMethod() throws 405 method_not_allowed with an Allow header listing the methods", () => {
  const req = new Request("http://127.0.0.1/fn", { method: "DELETE" });
  let caught: unknown;
  try {
    requireMethod(req, "GET", "POST");
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof HttpError);
  assert.equal(caught.status, 405);
  assert.equal(caught.code, "method_not_allowed");
  assert.equal(new Headers(caught.headers).get("allow"), "GET, POST");
  assert.match(caught.message, /DELETE/);
});

Deno.test("readBodyLimited() answers 413 from Content-Length alone, without reading the body", async () => {
  const stream = new ReadableStream<Uint8Array>({
    pull() {
      throw new Error("the body must not be read");
    },
  }, { highWaterMark: 0 });
  const req = post(stream, { "content-length": "1025" });
  assert.equal(req.headers.get("content-length"), "1025");
  const err = await rejectsWith(readBodyLimited(req, 1024), 413, "payload_too_large");
  assert.match(err.message, /1024 bytes/);
});

Deno.test("readBodyLimited() answers 413 once a streamed body without Content-Length grows past the limit", async () => {
  const { stream, state } = chunkedStream([
    new Uint8Array(4),
    new Uint8Array(4),
    new Uint8Array(4),
    new Uint8Array(4),
    new Uint8Array(4),
  ]);
  const req = post(stream);
  assert.equal(req.headers.get("content-length"), null);
  await rejectsWith(readBodyLimited(req, 10), 413, "payload_too_large");
  assert.equal(state.pulled, 3, "reading stops at the chunk that crosses the limit");
  assert.equal(state.cancelled, true, "the rest of the body is cancelled");
});

Deno.test("readBodyLimited() returns the exact bytes of a streamed body under the limit", async () => {
  const { stream } = chunkedStream([Uint8Array.of(1, 2, 3), Uint8Array.of(4), Uint8Array.of(5, 6)]);
  const bytes = await readBodyLimited(post(stream), 10);
  assert.deepEqual([...bytes], [1, 2, 3, 4, 5, 6]);
});

Deno.test("readBodyLimited() accepts a body of exactly the limit", async () => {
  const { stream } = chunkedStream([Uint8Array.of(1, 2), Uint8Array.of(3, 4)]);
  const bytes = await readBodyLimited(post(stream), 4);
  assert.deepEqual([...bytes], [1, 2, 3, 4]);
});

Deno.test("readBodyLimited() counts bytes, not characters: 'héllo' is 6 bytes", async () => {
  assert.deepEqual(await readBodyLimited(post("héllo"), 6), encoder.encode("héllo"));
  await rejectsWith(readBodyLimited(post("héllo"), 5), 413, "payload_too_large");
});

Deno.test("readBodyLimited() returns no bytes for a request without a body", async () => {
  const bytes = await readBodyLimited(new Request("http://127.0.0.1/fn"), 10);
  assert.equal(bytes.byteLength, 0);
});

Deno.test("readJsonObject() answers 415 for text/plain", async () => {
  await rejectsWith(
    readJsonObject(post('{"a":1}', { "content-type": "text/plain" }), 1024),
    415,
    "unsupported_media_type",
  );
});

Deno.test("readJsonObject() answers 415 when Content-Type is missing", async () => {
  const { stream } = chunkedStream([encoder.encode('{"a":1}')]);
  const req = post(stream);
  assert.equal(req.headers.get("content-type"), null);
  await rejectsWith(readJsonObject(req, 1024), 415, "unsupported_media_type");
});

Deno.test("readJsonObject() answers 415 for a type that only starts like JSON", async () => {
  await rejectsWith(
    readJsonObject(post('{"a":1}', { "content-type": "application/jsonp" }), 1024),
    415,
    "unsupported_media_type",
  );
});

Deno.test("readJsonObject() parses an object sent as application/json; charset=utf-8", async () => {
  const req = post('{"msisdn":"0788123456","amount_rwf":5000,"note":"murakoze"}', {
    "content-type": "application/json; charset=utf-8",
  });
  assert.deepEqual(await readJsonObject(req, 1024), {
    msisdn: "0788123456",
    amount_rwf: 5000,
    note: "murakoze",
  });
});

Deno.test("readJsonObject() accepts plain application/json and a +json type", async () => {
  assert.deepEqual(await readJsonObject(post('{"a":1}', { "content-type": "application/json" }), 1024), {
    a: 1,
  });
  assert.deepEqual(
    await readJsonObject(post('{"b":2}', { "content-type": "application/merge-patch+json" }), 1024),
    { b: 2 },
  );
});

Deno.test("readJsonObject() answers 413 for a JSON body over the limit", async () => {
  const req = post(JSON.stringify({ pad: "x".repeat(100) }), { "content-type": "application/json" });
  await rejectsWith(readJsonObject(req, 50), 413, "payload_too_large");
});

Deno.test("readJsonObject() answers 400 bad_request:json for malformed JSON", async () => {
  const req = post('{"a":', { "content-type": "application/json" });
  const err = await rejectsWith(readJsonObject(req, 1024), 400, "bad_request:json");
  assert.match(err.message, /not valid UTF-8 JSON/);
});

Deno.test("readJsonObject() answers 400 bad_request:json for an empty body", async () => {
  await rejectsWith(
    readJsonObject(post("", { "content-type": "application/json" }), 1024),
    400,
    "bad_request:json",
  );
});

Deno.test("readJsonObject() answers 400 bad_request:json for invalid UTF-8 bytes", async () => {
  // {"a":"<0xff 0xfe>"} — the two bytes can never occur in UTF-8.
  const bytes = Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d);
  const err = await rejectsWith(
    readJsonObject(post(bytes, { "content-type": "application/json" }), 1024),
    400,
    "bad_request:json",
  );
  assert.match(err.message, /UTF-8/);
});

Deno.test("readJsonObject() answers 400 'must be a JSON object' for an array, a string and null", async () => {
  for (const body of ['[{"a":1}]', '"hello"', "null", "42"]) {
    const err = await rejectsWith(
      readJsonObject(post(body, { "content-type": "application/json" }), 1024),
      400,
      "bad_request:json",
    );
    assert.match(err.message, /must be a JSON object/, `for body ${body}`);
  }
});
