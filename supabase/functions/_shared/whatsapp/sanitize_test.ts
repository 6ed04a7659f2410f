import assert from "node:assert/strict";
import { sanitizeJson, sanitizeText } from "./sanitize.ts";

Deno.test("sanitizeText() replaces U+0000 and lone surrogates with U+FFFD and keeps pairs", () => {
  assert.equal(sanitizeText("a\u0000b"), "a\uFFFDb");
  assert.equal(sanitizeText("x\uD800y\uDC00"), "x\uFFFDy\uFFFD");
  assert.equal(sanitizeText("🙏 café"), "🙏 café");
});

Deno.test("sanitizeJson() cleans strings at any depth, keys included, and leaves the rest", () => {
  const parsed = JSON.parse('{"a\\u0000":[{"b":"\\ud83d"},1,true,null]}');
  assert.deepEqual(sanitizeJson(parsed), { "a\uFFFD": [{ b: "\uFFFD" }, 1, true, null] });
});
