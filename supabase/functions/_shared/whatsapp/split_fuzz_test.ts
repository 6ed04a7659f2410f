/** Property tests of message splitting: any text fits WhatsApp's limit, in order, nothing but space lost. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzRuns } from "../../_testing/fuzz.ts";
import { splitText } from "./split.ts";

const piece = fc.constantFrom(
  "a",
  "Muraho",
  " ",
  "  ",
  "\n",
  "\t",
  ". ",
  "! ",
  "? ",
  ".",
  "🙏",
  "🙏🏽",
  "\u00a0",
  "\u202f",
);
const text = fc.oneof(
  fc.string({ unit: piece, maxLength: 120 }),
  fc.string({ unit: "grapheme", maxLength: 120 }),
  fc.string({ unit: "binary", maxLength: 120 }),
);
const noSpace = (s: string) => s.replace(/\s/g, "");

Deno.test("splitText() gives trimmed parts within max, in order, losing only whitespace; else a RangeError", () => {
  fc.assert(
    fc.property(text, fc.oneof(fc.integer({ min: -2, max: 40 }), fc.double()), (t, max) => {
      let parts: string[];
      try {
        parts = splitText(t, max);
      } catch (error) {
        assert.ok(error instanceof RangeError);
        assert.ok(!Number.isInteger(max) || max < 2);
        return;
      }
      assert.ok(Number.isInteger(max) && max >= 2);
      if (t.length <= max) return assert.deepEqual(parts, [t]);
      assert.equal(noSpace(parts.join("")), noSpace(t));
      for (const p of parts) {
        assert.ok(p.length > 0 && p.length <= max, JSON.stringify(p));
        assert.equal(p, p.trim());
        // An emoji is never cut in two: well-formed text gives well-formed parts.
        if (t.isWellFormed()) assert.ok(p.isWellFormed(), JSON.stringify(p));
      }
    }),
    fuzzRuns(3000),
  );
});
