/** Property tests of the menu's intent reader: any text gives an intent and a language, never a throw. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzRuns, nastyString } from "../../_testing/fuzz.ts";
import { readTurn } from "./_intents.ts";
import type { Language } from "./_types.ts";

const words = fc.constantFrom(
  "hi",
  "Muraho",
  "bonjour",
  "help",
  "?",
  "1",
  "2.",
  "vouchers",
  "mes bons",
  "lookup",
  "look-up",
  "chercher",
  "0788 123 456",
  "+250788123456",
  "umuntu",
  "human please",
  "ndashaka umuntu",
  "é",
  "\u0301",
  "🙏",
  "\n",
  " ",
);
const text = fc.oneof(fc.array(words, { maxLength: 12 }).map((w) => w.join(" ")), nastyString);
const language = fc.constantFrom<Language>("en", "fr", "rw");

Deno.test("readTurn() returns a known intent and language for any text; only operators look up", () => {
  const intents = ["greeting", "help", "vouchers", "human", "lookup", "unknown"];
  fc.assert(
    fc.property(
      text,
      fc.constantFrom("customer" as const, "operator" as const),
      language,
      (t, role, pref) => {
        const turn = readTurn(t, role, pref);
        assert.ok(intents.includes(turn.intent), turn.intent);
        assert.ok(["en", "fr", "rw"].includes(turn.language));
        assert.equal(turn.number !== undefined, turn.intent === "lookup");
        if (role === "customer") assert.notEqual(turn.intent, "lookup");
        if (turn.number !== undefined) assert.ok(!turn.number.includes("\n"));
      },
    ),
    fuzzRuns(2000),
  );
});
