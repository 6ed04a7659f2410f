/** Property tests of the confirmation parser: any text is a confirmation or null, never a throw. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzRuns, nastyString } from "../../_testing/fuzz.ts";
import { parseConfirmation } from "./confirmations.ts";

const verb = fc.constantFrom(
  "yes",
  "YES",
  "Oui",
  "yego",
  "no",
  "non",
  "oya",
  "approve",
  "approuver",
  "ok",
  "hello",
);
const code = fc.stringMatching(/^\d{3,7}$/);
const sep = fc.constantFrom("", " ", ":", " # ", "-", "  ", "\n", "\u00a0");
const tail = fc.constantFrom("", ".", "!", " ", "..!", "?", " please");
const text = fc.oneof(
  fc.tuple(verb, sep, code, tail).map((parts) => parts.join("")),
  nastyString,
  fc.constantFrom(null, undefined),
);

Deno.test("parseConfirmation() returns null or a verb with a code of its length, for any text", () => {
  fc.assert(
    fc.property(text, (t) => {
      const c = parseConfirmation(t);
      if (c === null) return;
      assert.ok(["confirm", "cancel", "approve"].includes(c.verb));
      assert.match(c.code, c.verb === "approve" ? /^\d{6}$/ : /^\d{4}$/);
      assert.ok((t ?? "").includes(c.code));
      // Case and trailing full stops do not change what a message means.
      assert.deepEqual(parseConfirmation(`${t!.toUpperCase()}.`), c);
    }),
    fuzzRuns(3000),
  );
});

Deno.test("parseConfirmation() never reads a one-letter word, ok, or a word run into its code", () => {
  fc.assert(
    fc.property(fc.constantFrom("y", "n", "ok", "OK", "yes", "no", "approve"), code, tail, (w, c, t) => {
      const joined = `${w}${c}${t}`;
      assert.equal(parseConfirmation(joined), null, joined);
      if (["y", "n", "ok", "OK"].includes(w)) assert.equal(parseConfirmation(`${w} ${c}${t}`), null);
    }),
    fuzzRuns(1000),
  );
});
