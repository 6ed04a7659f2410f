import assert from "node:assert/strict";
import { buttons } from "../conversation/mod.ts";
import { actionButton, BUTTON_TITLES, parseTap } from "./buttons.ts";

const LANGUAGES = ["en", "fr", "rw", "sw"];

// Approve and Decline are titled in SQL: tests/operator_language_test.ts checks them in every language.
Deno.test("Confirm's and Cancel's titles are there in en, fr, rw and sw, within Meta's 20 characters", () => {
  for (const [verb, titles] of Object.entries(BUTTON_TITLES)) {
    for (const language of LANGUAGES) {
      const title = titles[language];
      assert.ok(title, `${verb} has a title in ${language}`);
      assert.ok(title.length <= 20, `${verb} in ${language} is ${title.length} characters`);
    }
  }
});

Deno.test("Confirm and Cancel make a valid buttons message in every language", () => {
  for (const language of LANGUAGES) {
    const m = buttons("Waiting for your confirmation", [
      actionButton("confirm", "4821", language),
      actionButton("cancel", "4821", language),
    ]);
    assert.equal(m.type, "buttons");
  }
});

Deno.test("a button's id carries its verb and code, and parseTap reads it back", () => {
  assert.deepEqual(actionButton("confirm", "4821", "fr"), { id: "confirm:4821", title: "Confirmer" });
  assert.deepEqual(parseTap("confirm:4821"), { verb: "confirm", code: "4821" });
  assert.deepEqual(parseTap("cancel:0007"), { verb: "cancel", code: "0007" });
  assert.deepEqual(parseTap("approve:123456"), { verb: "approve", code: "123456" });
  for (
    const id of [
      "approve:4821",
      "confirm:123456",
      "confirm:48210",
      "vouchers",
      "",
      "confirm: 4821",
      undefined,
    ]
  ) {
    assert.equal(parseTap(id), null, `${id} is no confirmation`);
  }
});
