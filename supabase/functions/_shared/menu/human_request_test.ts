import assert from "node:assert/strict";
import { isHumanRequest } from "./_human.ts";
import { phrase } from "./_text.ts";
import { TEXTS } from "./_texts.ts";
import { ask } from "./_test_fixtures.ts";

const REQUESTS = [
  "umuntu",
  "Umuntu!",
  "nshaka umuntu",
  "Nshaka kuvugana n'umuntu",
  "Ndashaka kuvugana n’umukozi 🙏",
  "ndashaka kuvugana n'umuntu, si robot",
  "umukozi wanyu ndabasaba",
  "talk to a person",
  "I want to talk to a real person please",
  "Can I speak with someone?",
  "human",
  "HUMAN PLEASE!!!",
  "agent",
  "an agent please",
  "customer service",
  "Je veux parler à un conseiller",
  "je voudrais parler avec quelqu'un svp",
  "Puis-je parler à une personne ?",
  "un conseiller s'il vous plaît",
];

const SENTENCES = [
  "Umuntu yampaye voucher ejo",
  "ese umuntu wese ashobora kugura voucher?",
  "Umuntu wese afite voucher ye",
  "Nahawe voucher n'umuntu ntazi",
  "Mwaramutse, umuntu yambwiye kwandika hano",
  "umukozi wanyu yambwiye ko voucher yanjye ikora",
  "my agent gave me a voucher",
  "the person at the shop refused my voucher",
  "is there someone who can redeem this?",
  "quelqu'un a utilisé mon bon",
  "le conseiller m'a dit d'écrire ici",
];

for (const text of REQUESTS) {
  Deno.test(`isHumanRequest() takes ${JSON.stringify(text)} as a request for a person`, async () => {
    assert.equal(isHumanRequest(text), true);
    const reply = await ask(text).reply;
    assert.deepEqual([reply.intent, reply.handoff], ["human", true]);
  });
}

for (const text of SENTENCES) {
  Deno.test(`isHumanRequest() does not take the sentence ${JSON.stringify(text)} as a request`, async () => {
    assert.equal(isHumanRequest(text), false);
    const reply = await ask(text).reply;
    assert.equal(reply.handoff, false);
    assert.notEqual(reply.intent, "human");
  });
}

Deno.test("menuReply() still reads a Kinyarwanda sentence with umuntu as Kinyarwanda", async () => {
  const reply = await ask("Umuntu yampaye voucher ejo", { language: "en" }).reply;
  assert.deepEqual([reply.intent, reply.language], ["vouchers", "rw"]);
});

Deno.test("menuReply() hands off on a request alone on one line of a turn, the last intent winning", async () => {
  assert.equal((await ask(["balance", "umuntu"]).reply).intent, "human");
  assert.equal((await ask("balance\nnshaka umuntu").reply).intent, "human");
  assert.equal((await ask(["umuntu", "voucher zanjye"]).reply).intent, "vouchers");
  assert.equal((await ask("balance, or else an agent").reply).intent, "vouchers");
});

Deno.test("menuReply() hands off on the menu's choice 2, alone on a line, in the customer's language", async () => {
  const reply = await ask("2", { language: "fr" }).reply;
  assert.deepEqual([reply.intent, reply.handoff, reply.text], ["human", true, TEXTS.fr.human]);
  assert.equal((await ask("I have 2 vouchers").reply).handoff, false);
});

Deno.test("phrase() lowercases, drops accents, emoji and punctuation, keeps apostrophes inside words", () => {
  assert.equal(phrase("  Je veux parler à l’agent !!! 😀 "), "je veux parler a l'agent");
  assert.equal(phrase("'umuntu' , please"), "umuntu please");
});
