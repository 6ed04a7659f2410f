import assert from "node:assert/strict";
import { optOutText } from "./texts.ts";

/** The word that undoes each confirmation, as the person would type it, per language. */
const UNDO = {
  en: { stop: "START", start: "STOP" },
  fr: { stop: "DÉMARRER", start: "ARRÊT" },
  rw: { stop: "TANGIRA", start: "HAGARIKA" },
  sw: { stop: "ANZA", start: "SITISHA" },
};
/** The word for what still comes after a STOP: receipts. */
const RECEIPTS = { en: "receipts", fr: "reçus", rw: "inyemezabwishyu", sw: "risiti" };

Deno.test("optOutText() confirms STOP and START in en, fr, rw and sw, says what still comes and how to undo it", () => {
  for (const language of ["en", "fr", "rw", "sw"] as const) {
    for (const role of ["customer", "operator"] as const) {
      const stopped = optOutText("stop", role, language);
      assert.ok(stopped.includes(UNDO[language].stop), `${language} ${role}: how to undo a STOP`);
      assert.ok(stopped.includes(RECEIPTS[language]), `${language} ${role}: receipts still come`);
      assert.ok(stopped.length < 1_000, `${language} ${role}: one short message`);
    }
    assert.notEqual(optOutText("stop", "operator", language), optOutText("stop", "customer", language));
    assert.ok(optOutText("start", "customer", language).includes(UNDO[language].start), `${language}: START`);
    if (language !== "en") {
      assert.notEqual(optOutText("stop", "customer", language), optOutText("stop", "customer", "en"));
    }
  }
});

Deno.test("optOutText() warns an operator that approval requests and staff alerts stop", () => {
  assert.match(optOutText("stop", "operator", "en"), /approval requests or staff alerts/);
  assert.match(optOutText("stop", "operator", "fr"), /demandes d'approbation/);
  assert.match(optOutText("stop", "operator", "rw"), /amatangazo y'abakozi/);
  assert.match(optOutText("stop", "operator", "sw"), /maombi ya kuidhinisha/);
});
