import assert from "node:assert/strict";
import { DbFailure } from "../errors.ts";
import type { CustomerSummary } from "../db/mod.ts";
import { type MenuInput, menuReply } from "./mod.ts";
import { TEXTS } from "./_texts.ts";
import { ALICE, ask, NUMBER, type Options } from "./_test_fixtures.ts";

const operator = (found: CustomerSummary | null = ALICE): Options => ({ role: "operator", found });

for (
  const text of [
    "lookup 0788123456",
    "Look up +250 788 123 456",
    "look-up: 250788123456",
    "chercher le client 0788 123 456 svp",
    "shakisha 0788123456",
    "0788123456",
    "+250 788 123 456",
    "(+250) 788-123-456",
  ]
) {
  Deno.test(`menuReply() looks up ${JSON.stringify(text)} for an operator as ${NUMBER}`, async () => {
    const { reply, calls } = ask(text, operator());
    const { intent, handoff } = await reply;
    assert.deepEqual([intent, handoff, calls.lookup, calls.self], ["lookup", false, [NUMBER], 0]);
  });
}

Deno.test("menuReply() summarises a looked-up customer for an operator", async () => {
  const { reply } = ask("lookup 0788123456", operator());
  assert.equal(
    (await reply).text,
    [
      "*Alice Uwase*",
      NUMBER,
      "Active: 2 (1,255,000 RWF)",
      "Used: 1 (2,000 RWF)",
      "Cancelled: 1 (500 RWF)",
      "Recent vouchers:",
      "• …M3PA 5,000 RWF, active, 2026-11-26",
      "• …2222 2,000 RWF, used, 2026-11-25",
      "• …3333 500 RWF, cancelled, 2026-11-24",
      "• …4444 1,250,000 RWF, active, 2026-11-23",
    ].join("\n"),
  );
  const fr = (await ask("chercher 0788123456", operator()).reply).text;
  assert.match(fr, /Derniers bons :\n• …M3PA 5,000 RWF, actif, 2026-11-26/);
  const rw = (await ask("shakisha 0788123456", operator()).reply).text;
  assert.match(rw, /Voucher za vuba:\n• …M3PA 5,000 RWF, itarakoreshwa/);
});

Deno.test("menuReply() tells an operator that no customer has an unknown number", async () => {
  const { reply, calls } = ask("lookup 0722000111", operator(null));
  assert.equal((await reply).text, "No customer has the number +250722000111.");
  assert.deepEqual(calls.lookup, ["+250722000111"]);
  assert.equal(
    (await ask("chercher 0722000111", operator(null)).reply).text,
    TEXTS.fr.noCustomer("+250722000111"),
  );
});

for (const [text, shown] of [["lookup 12345", "12345"], ["look up abc", "abc"], ["0788 123", "0788 123"]]) {
  Deno.test(`menuReply() tells an operator that ${JSON.stringify(text)} is not a valid number`, async () => {
    const { reply, calls } = ask(text ?? "", operator());
    const answer = await reply;
    assert.equal(answer.intent, "lookup");
    assert.equal(answer.text, TEXTS.en.invalidNumber(shown ?? ""));
    assert.deepEqual(calls.lookup, []);
  });
}

Deno.test("menuReply() asks an operator for the number after a bare lookup command", async () => {
  assert.equal((await ask("shakisha", operator()).reply).text, TEXTS.rw.lookupHow);
});

Deno.test("menuReply() lets other lookup errors than a bad number propagate", async () => {
  const input: MenuInput = {
    role: "operator",
    messages: [{ type: "text", text: "lookup 0788123456" }],
    self: () => Promise.resolve(null),
    lookup: () => Promise.reject(new DbFailure("timeout", "Database timed out")),
  };
  await assert.rejects(menuReply(input), /Database timed out/);
});

Deno.test("menuReply() answers an operator's greeting, help and unknown text with the operator menu", async () => {
  const greeting = await ask("hi", operator()).reply;
  assert.equal(greeting.text, `Hello!\n\n${TEXTS.en.operatorMenu}`);
  assert.match(greeting.text, /Creating, redeeming and voiding vouchers is done with the assistant/);
  assert.equal((await ask("aide", operator()).reply).text, TEXTS.fr.operatorMenu);
  assert.deepEqual(await ask("redeem K7QX-M3PA", operator()).reply, {
    text: TEXTS.en.operatorMenu,
    intent: "unknown",
    language: "en",
    handoff: false,
  });
  assert.match(TEXTS.rw.operatorMenu, /shakisha 0788123456/);
});

Deno.test("menuReply() answers an operator's voucher request with the operator menu, not their own vouchers", async () => {
  const { reply, calls } = ask("create a voucher of 5000 for 0788123456", operator());
  const { intent, text } = await reply;
  assert.deepEqual([intent, text, calls], ["vouchers", TEXTS.en.operatorMenu, { self: 0, lookup: [] }]);
});

Deno.test("menuReply() hands an operator to a person too", async () => {
  const { reply, calls } = ask("umukozi", operator());
  assert.deepEqual(await reply, { text: TEXTS.rw.human, intent: "human", language: "rw", handoff: true });
  assert.deepEqual(calls.lookup, []);
});
