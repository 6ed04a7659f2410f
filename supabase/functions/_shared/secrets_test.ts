import assert from "node:assert/strict";
import { matchesAny, timingSafeEqual } from "./secrets.ts";

const KEY = "tool-key-0123456789abcdef";
const NEXT_KEY = "tool-key-fedcba9876543210";

Deno.test("timingSafeEqual() is true for equal strings", async () => {
  assert.equal(await timingSafeEqual(KEY, KEY), true);
  assert.equal(await timingSafeEqual("", ""), true);
});

Deno.test("timingSafeEqual() is false for strings differing in one character", async () => {
  assert.equal(await timingSafeEqual(KEY, KEY.slice(0, -1) + "X"), false);
});

Deno.test("timingSafeEqual() is false for strings of different lengths, including a prefix", async () => {
  assert.equal(await timingSafeEqual(KEY, KEY.slice(0, 10)), false);
  assert.equal(await timingSafeEqual(KEY, KEY + "0"), false);
  assert.equal(await timingSafeEqual("", KEY), false);
});

Deno.test("matchesAny() accepts either key of a rotation and rejects any other", async () => {
  assert.equal(await matchesAny(KEY, [KEY, NEXT_KEY]), true);
  assert.equal(await matchesAny(NEXT_KEY, [KEY, NEXT_KEY]), true);
  assert.equal(await matchesAny("tool-key-unknown-000000", [KEY, NEXT_KEY]), false);
});

Deno.test("matchesAny() is false when there are no keys", async () => {
  assert.equal(await matchesAny(KEY, []), false);
});

Deno.test("timingSafeEqual() compares bytes as it compares text", async () => {
  const bytes = new TextEncoder().encode(KEY);
  assert.equal(await timingSafeEqual(bytes, new TextEncoder().encode(KEY)), true);
  assert.equal(await timingSafeEqual(bytes, KEY), true, "the same bytes as text");
  assert.equal(await timingSafeEqual(bytes, bytes.subarray(1)), false);
});
