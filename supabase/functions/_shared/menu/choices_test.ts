import assert from "node:assert/strict";
import {
  choicesFor,
  MENU_CHOICE_TITLES,
  MENU_LABEL,
  menuList,
  pickedChoice,
  STALE_CHOICE,
} from "./_choices.ts";

const LANGUAGES = ["en", "fr", "rw", "sw"];

Deno.test("every menu row title (<= 24), the list label (<= 20) and the stale answer exist in en, fr, rw, sw", () => {
  for (const language of LANGUAGES) {
    for (const [choice, titles] of Object.entries(MENU_CHOICE_TITLES)) {
      const title = titles[language];
      assert.ok(title && title.length <= 24, `${choice} in ${language}: ${title}`);
    }
    assert.ok(MENU_LABEL[language] && MENU_LABEL[language].length <= 20);
    assert.ok(STALE_CHOICE[language]);
    for (const role of ["customer", "operator"] as const) {
      assert.equal(menuList("Menu", role, language).type, "list");
    }
  }
});

Deno.test("a picked row is routed by its id, for the role it was offered to", () => {
  assert.deepEqual(choicesFor("customer"), ["vouchers", "human", "profile"]);
  assert.deepEqual(choicesFor("operator"), ["lookup", "human"]);
  assert.equal(pickedChoice("menu:profile", "customer"), "profile");
  assert.equal(pickedChoice("menu:profile", "operator"), "stale");
  assert.equal(pickedChoice("menu:vouchers", "customer"), "vouchers");
  assert.equal(pickedChoice("menu:lookup", "operator"), "lookup");
  assert.equal(pickedChoice("menu:lookup", "customer"), "stale");
  assert.equal(pickedChoice("menu:gone", "operator"), "stale");
  assert.equal(pickedChoice("confirm:4821", "operator"), null);
  assert.equal(pickedChoice(undefined, "customer"), null);
});
