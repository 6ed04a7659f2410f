import assert from "node:assert/strict";
import { MAX_TEXT_LENGTH, splitText } from "./split.ts";

/** Asserts the invariants every split keeps: sizes, trimmed and non-empty parts, no broken pair. */
function assertWellSplit(parts: string[], max: number) {
  for (const part of parts) {
    assert.ok(part.length > 0 && part.length <= max, `part of ${part.length} code units`);
    assert.equal(part, part.trim());
    assert.ok(
      !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(part),
      `broken surrogate pair in ${JSON.stringify(part)}`,
    );
  }
}

Deno.test("splitText() returns a text within the limit as it is", () => {
  assert.equal(MAX_TEXT_LENGTH, 4096);
  assert.deepEqual(splitText("Muraho!"), ["Muraho!"]);
  assert.deepEqual(splitText(" padded "), [" padded "]);
  const full = "a".repeat(4096);
  assert.deepEqual(splitText(full), [full]);
});

Deno.test("splitText() splits after the last sentence end before the limit", () => {
  assert.deepEqual(splitText("One two. Three four. Five six", 22), ["One two. Three four.", "Five six"]);
  assert.deepEqual(splitText("Really! Yes? Sure thing now", 14), ["Really! Yes?", "Sure thing now"]);
  // The space after the full stop may sit exactly at the limit.
  assert.deepEqual(splitText("abcd. efgh", 5), ["abcd.", "efgh"]);
});

Deno.test("splitText() splits at a newline and drops the blank lines between parts", () => {
  assert.deepEqual(splitText("Line one\n\nLine two is here", 12), ["Line one", "Line two is", "here"]);
  assert.deepEqual(splitText("first line\nsecond line", 11), ["first line", "second line"]);
});

Deno.test("splitText() prefers the later of a newline and a sentence end", () => {
  assert.deepEqual(splitText("A. b c\nd e f g", 10), ["A. b c", "d e f g"]);
  assert.deepEqual(splitText("a b\nc d. e f g", 10), ["a b\nc d.", "e f g"]);
});

Deno.test("splitText() falls back on the last space, then on a hard cut", () => {
  assert.deepEqual(splitText("alpha beta gamma delta", 12), ["alpha beta", "gamma delta"]);
  assert.deepEqual(splitText("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  assert.deepEqual(splitText("ab abcdefghij", 5), ["ab", "abcde", "fghij"]);
});

Deno.test("splitText() does not split at a no-break space", () => {
  assert.deepEqual(splitText("Bonjour\u00a0! Merci", 10), ["Bonjour\u00a0!", "Merci"]);
  assert.deepEqual(splitText("ab cd\u00a0ef", 6), ["ab", "cd\u00a0ef"]);
});

Deno.test("splitText() never splits an emoji's surrogate pair at the limit", () => {
  // "abc😀" is 5 code units; a cut at 4 would fall inside the pair.
  assert.deepEqual(splitText("abc😀def", 4), ["abc", "😀de", "f"]);
  assert.deepEqual(splitText("😀😀😀", 3), ["😀", "😀", "😀"]);
  const emoji = "🎉".repeat(3000);
  const parts = splitText(emoji);
  assertWellSplit(parts, MAX_TEXT_LENGTH);
  assert.deepEqual(parts.map((p) => p.length), [4096, 1904]);
  assert.equal(parts.join(""), emoji);
});

Deno.test("splitText() splits 10000 characters of words at spaces without losing one", () => {
  const words = Array.from({ length: 2000 }, (_, i) => String(i).padStart(4, "0"));
  const text = words.join(" ");
  assert.equal(text.length, 9999);
  const parts = splitText(text);
  assertWellSplit(parts, MAX_TEXT_LENGTH);
  assert.equal(parts.length, 3);
  assert.deepEqual(parts.join(" ").split(" "), words);
  assert.equal(parts[0]?.length, 4094, "the first part ends at the last space before 4096");
});

Deno.test("splitText() cuts a single 5000-character word hard at the limit", () => {
  const word = "x".repeat(5000);
  assert.deepEqual(splitText(`  ${word}  `), ["x".repeat(4096), "x".repeat(904)]);
});

Deno.test("splitText() keeps sentences whole across a long reply", () => {
  const sentence = "Your voucher RW-1234 is valid until Friday. ";
  const text = sentence.repeat(200).trim();
  const parts = splitText(text);
  assertWellSplit(parts, MAX_TEXT_LENGTH);
  for (const part of parts) assert.ok(part.endsWith("Friday."), part.slice(-20));
  assert.equal(parts.join(" "), text);
});

Deno.test("splitText() rejects a limit too small to hold an emoji", () => {
  assert.throws(() => splitText("abc", 1), RangeError);
  assert.throws(() => splitText("abc", 2.5), RangeError);
});
