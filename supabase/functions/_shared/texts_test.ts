import assert from "node:assert/strict";
import { inLanguage } from "./texts.ts";

Deno.test("inLanguage() gives the text in the language, and English for none or one it lacks", () => {
  const texts = { en: "Hello", rw: "Muraho" };
  assert.equal(inLanguage(texts, "rw"), "Muraho");
  assert.equal(inLanguage(texts, "sw"), "Hello");
  assert.equal(inLanguage(texts, null), "Hello");
  assert.equal(inLanguage(texts, undefined), "Hello");
});
