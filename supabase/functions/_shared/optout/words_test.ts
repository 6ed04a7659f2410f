import assert from "node:assert/strict";
import { answerLanguage, parseOptOutWord } from "./words.ts";

Deno.test("parseOptOutWord() reads a whole-message STOP or START in en, fr, rw and sw, case and accents aside", () => {
  const cases: [string, "stop" | "start", string][] = [
    ["STOP", "stop", "en"],
    ["Unsubscribe", "stop", "en"],
    [" arrêt! ", "stop", "fr"],
    ["ARRET.", "stop", "fr"],
    ["Désabonner", "stop", "fr"],
    ["HAGARIKA", "stop", "rw"],
    ["sitisha", "stop", "sw"],
    ["Acha", "stop", "sw"],
    ["start", "start", "en"],
    ["DÉMARRER", "start", "fr"],
    ["demarrer", "start", "fr"],
    ["Tangira", "start", "rw"],
    ["ANZA", "start", "sw"],
  ];
  for (const [message, kind, language] of cases) {
    const word = parseOptOutWord(message);
    assert.equal(word?.kind, kind, message);
    assert.equal(answerLanguage(word!, null), language, message);
  }
});

Deno.test("parseOptOutWord() ignores the words inside a longer message, and anything else", () => {
  for (
    const message of [
      "please stop",
      "stop sending me vouchers",
      "hagarika 4821",
      "start a voucher for Aline",
      "stopp",
      "anzaa",
      "",
      null,
      undefined,
    ]
  ) {
    assert.equal(parseOptOutWord(message), null, String(message));
  }
});

Deno.test("answerLanguage() keeps the sender's language when the word is theirs, else the word's", () => {
  const stop = parseOptOutWord("stop")!;
  assert.equal(answerLanguage(stop, "fr"), "fr");
  assert.equal(answerLanguage(stop, "rw"), "en");
  assert.equal(answerLanguage(parseOptOutWord("hagarika")!, "en"), "rw");
});
