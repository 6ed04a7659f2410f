import assert from "node:assert/strict";
import { formatRwf } from "../money.ts";
import { menuReply } from "./mod.ts";
import { TEXTS } from "./_texts.ts";
import { ALICE, ask, EMPTY, fakes, voucher } from "./_test_fixtures.ts";

const cases: [string, string, string, boolean][] = [
  // text, intent, language, handoff
  ["hi", "greeting", "en", false],
  ["Hello there", "greeting", "en", false],
  ["Bonjour", "greeting", "fr", false],
  ["salut", "greeting", "fr", false],
  ["Muraho", "greeting", "rw", false],
  ["Mwaramutse", "greeting", "rw", false],
  ["mwiriwe", "greeting", "rw", false],
  ["help", "help", "en", false],
  ["aide", "help", "fr", false],
  ["Ubufasha", "help", "rw", false],
  ["my vouchers", "vouchers", "en", false],
  ["balance", "vouchers", "en", false],
  ["mes bons", "vouchers", "fr", false],
  ["Quel est mon solde ?", "vouchers", "fr", false],
  ["voucher zanjye", "vouchers", "rw", false],
  ["Ndashaka amafaranga", "vouchers", "rw", false],
  ["I want to talk to someone", "human", "en", true],
  ["human please", "human", "en", true],
  ["Je voudrais parler à un conseiller", "human", "fr", true],
  ["une personne svp", "human", "fr", true],
  ["Ndashaka kuvugana n'umuntu", "human", "rw", true],
  ["umukozi", "human", "rw", true],
  ["what is this", "unknown", "en", false],
  ["my profile", "profile", "en", false],
  ["3", "profile", "en", false],
  ["mon profil", "profile", "fr", false],
  ["umwirondoro wanjye", "profile", "rw", false],
];
for (const [text, intent, language, handoff] of cases) {
  Deno.test(`menuReply() reads ${JSON.stringify(text)} as ${intent} in ${language}`, async () => {
    const reply = await ask(text).reply;
    assert.deepEqual([reply.intent, reply.language, reply.handoff], [intent, language, handoff]);
  });
}

Deno.test("menuReply() answers a greeting with a welcome and the numbered menu in each language", async () => {
  assert.equal(
    (await ask("hello").reply).text,
    `Hello! Welcome to the voucher service.\n\n${TEXTS.en.customerMenu}`,
  );
  assert.match(
    (await ask("Bonjour").reply).text,
    /^Bonjour ! Bienvenue[^]*1\. Mes bons\n2\. Parler à une personne/,
  );
  assert.match((await ask("Muraho").reply).text, /^Muraho! Murakaza neza[^]*1\. Voucher zanyu/);
});

Deno.test("menuReply() answers help and unknown text with the customer menu in the detected language", async () => {
  assert.equal((await ask("help").reply).text, TEXTS.en.customerMenu);
  assert.equal((await ask("aide").reply).text, TEXTS.fr.customerMenu);
  assert.equal((await ask("ubufasha").reply).text, TEXTS.rw.customerMenu);
  assert.equal((await ask("asdf qwerty").reply).text, TEXTS.en.customerMenu);
});

Deno.test("menuReply() answers the human intent with a handoff in each language", async () => {
  assert.equal(
    (await ask("agent").reply).text,
    "Thank you. A person from our team will answer you here soon.",
  );
  assert.equal((await ask("un conseiller").reply).text, TEXTS.fr.human);
  assert.equal((await ask("umuntu").reply).text, "Murakoze. Umukozi azabasubiza vuba.");
});

Deno.test("menuReply() falls back to the preferred language, then English, when no keyword tells", async () => {
  assert.equal((await ask("1", { language: "fr" }).reply).language, "fr");
  assert.equal((await ask("menu", { language: "rw" }).reply).text, TEXTS.rw.customerMenu);
  assert.equal((await ask("agent", { language: "rw" }).reply).language, "rw");
  assert.equal((await ask("1", { language: "sw" }).reply).language, "en");
  assert.equal((await ask("1", { language: "de" }).reply).language, "en");
  assert.equal((await ask("1").reply).language, "en");
});

Deno.test("menuReply() prefers the language of the text over the preferred one", async () => {
  assert.equal((await ask("hello", { language: "rw" }).reply).language, "en");
  assert.equal((await ask("Muraho", { language: "fr" }).reply).language, "rw");
  // One English and one French keyword: the preferred language breaks the tie.
  assert.equal((await ask("hello bonjour", { language: "fr" }).reply).language, "fr");
});

Deno.test("menuReply() ignores case and accents", async () => {
  const fr = await ask("S’IL VOUS PLAÎT, MON SOLDE").reply;
  assert.deepEqual([fr.intent, fr.language], ["vouchers", "fr"]);
  const rw = await ask("MWARAMUTSE").reply;
  assert.deepEqual([rw.intent, rw.language], ["greeting", "rw"]);
  assert.equal((await ask("Àide").reply).intent, "help");
});

Deno.test("menuReply() lets the last recognisable intent of the turn win", async () => {
  assert.equal((await ask(["hi", "my vouchers"]).reply).intent, "vouchers");
  assert.equal((await ask(["my vouchers", "hi"]).reply).intent, "greeting");
  assert.equal((await ask(["balance", "an agent please"]).reply).intent, "human");
  assert.equal((await ask(["agent", "no wait, my balance"]).reply).intent, "vouchers");
});

Deno.test("menuReply() takes a lone ? as help but not a question ending in ?", async () => {
  assert.equal((await ask("?").reply).intent, "help");
  assert.equal((await ask("?", { language: "fr" }).reply).text, TEXTS.fr.customerMenu);
  assert.equal((await ask("what is my balance?").reply).intent, "vouchers");
});

Deno.test("menuReply() accepts 1 and 2 as the menu's choices, alone on a line", async () => {
  const one = await ask("1").reply;
  assert.equal(one.intent, "vouchers");
  assert.match(one.text, /K7QX-M3PA/);
  const two = await ask(" 2. ", { language: "rw" }).reply;
  assert.deepEqual([two.intent, two.handoff, two.text], ["human", true, TEXTS.rw.human]);
  assert.equal((await ask("I have 1 question").reply).intent, "unknown");
  assert.equal((await ask("12").reply).intent, "unknown");
});

Deno.test("menuReply() lists a customer's issued vouchers and the count and total per status", async () => {
  const { reply, calls } = ask("my vouchers");
  assert.equal(
    (await reply).text,
    [
      "*Your vouchers*",
      "Ready to use:",
      "• *K7QX-M3PA* 5,000 RWF",
      "• *BIGG-4444* 1,250,000 RWF",
      "",
      "Active: 2 (1,255,000 RWF)",
      "Used: 1 (2,000 RWF)",
      "Cancelled: 1 (500 RWF)",
    ].join("\n"),
  );
  assert.equal(calls.self, 1);
});

Deno.test("menuReply() lists vouchers in French and Kinyarwanda", async () => {
  const fr = (await ask("mes bons").reply).text;
  assert.match(fr, /^\*Vos bons\*\nBons utilisables :\n• \*K7QX-M3PA\* 5,000 RWF/);
  assert.match(fr, /Actifs : 2 \(1,255,000 RWF\)\nUtilisés : 1 \(2,000 RWF\)\nAnnulés : 1 \(500 RWF\)$/);
  const rw = (await ask("voucher zanjye").reply).text;
  assert.match(rw, /^\*Voucher zanyu\*\n/);
  assert.match(rw, /Zitarakoreshwa: 2 \(1,255,000 RWF\)/);
});

Deno.test("menuReply() says how many issued vouchers are not listed", async () => {
  const found = structuredClone(ALICE);
  found.vouchers.summary.issued.count = 5;
  assert.match((await ask("balance", { found }).reply).text, /…and 3 more/);
});

Deno.test("menuReply() tells a customer without vouchers that they have none yet", async () => {
  assert.equal(
    (await ask("balance", { found: EMPTY }).reply).text,
    "*Your vouchers*\nYou have no vouchers yet.",
  );
});

Deno.test("menuReply() says politely that no vouchers are registered to an unknown number", async () => {
  assert.equal((await ask("balance", { found: null }).reply).text, TEXTS.en.notRegistered);
  assert.match((await ask("solde", { found: null }).reply).text, /^Désolé, aucun bon n'est enregistré/);
  assert.match((await ask("amafaranga", { found: null }).reply).text, /^Mutwihanganire, nta voucher/);
});

Deno.test("menuReply() never calls lookup() for a customer, even for a number or a lookup command", async () => {
  for (
    const text of ["lookup 0788123456", "0788123456", "chercher +250 788 123 456", "shakisha 0788123456", "1"]
  ) {
    const { reply, calls } = ask(text);
    const { intent, text: answer } = await reply;
    assert.notEqual(intent, "lookup");
    assert.deepEqual(calls.lookup, []);
    assert.doesNotMatch(answer, /Alice/);
  }
});

Deno.test("menuReply() reads a voice note's transcript as text", async () => {
  const f = fakes();
  const messages = [{ type: "audio", text: "menu" }];
  const reply = await menuReply({
    role: "customer",
    language: "en",
    messages,
    self: f.self,
    lookup: f.lookup,
  });
  assert.notEqual(reply.intent, "non_text");
});

Deno.test("menuReply() says that only text is understood when a turn has no text", async () => {
  for (const language of ["en", "fr", "rw"] as const) {
    const f = fakes();
    const messages = [{ type: "image", text: null }, { type: "video", text: "ignored caption" }, {
      type: "text",
      text: "  ",
    }];
    const reply = await menuReply({ role: "customer", language, messages, self: f.self, lookup: f.lookup });
    assert.deepEqual(reply, { text: TEXTS[language].nonText, intent: "non_text", language, handoff: false });
    assert.deepEqual(f.calls, { self: 0, lookup: [] });
  }
  const none = await menuReply({ role: "operator", messages: [], ...fakes() });
  assert.equal(
    none.text,
    "Sorry, I can only read text messages, voice notes and button taps. Please type your question, or send *menu*.",
  );
});

Deno.test("menuReply() answers the text of a turn that mixes text and other messages", async () => {
  const f = fakes();
  const messages = [{ type: "image", text: null }, { type: "text", text: "balance" }, {
    type: "sticker",
    text: null,
  }];
  const reply = await menuReply({ role: "customer", messages, self: f.self, lookup: f.lookup });
  assert.equal(reply.intent, "vouchers");
  const button = await menuReply({
    role: "customer",
    messages: [{ type: "button", text: "Mes bons" }],
    ...fakes(),
  });
  assert.deepEqual([button.intent, button.language], ["vouchers", "fr"]);
});

Deno.test("formatRwf() groups thousands with commas", () => {
  assert.equal(formatRwf(5000), "5,000 RWF");
  assert.equal(formatRwf(0), "0 RWF");
  assert.equal(formatRwf(999), "999 RWF");
  assert.equal(formatRwf(1_250_000), "1,250,000 RWF");
});

Deno.test("menuReply() keeps every reply well under 1000 characters, even for a long history", async () => {
  const found = structuredClone(ALICE);
  found.customer.name = "N".repeat(120);
  found.vouchers.summary.issued.count = 50;
  found.vouchers.recent = Array.from(
    { length: 50 },
    (_, i) => voucher("AAAA-BBBB", 1_000_000 + i, "issued", 1),
  );
  const texts = ["hi", "help", "balance", "agent", "lookup 0788123456", `lookup ${"x".repeat(500)}`, "?"];
  for (const language of ["en", "fr", "rw"]) {
    for (const role of ["customer", "operator"] as const) {
      for (const text of texts) {
        const reply = await ask(text, { role, language, found }).reply;
        assert.ok(reply.text.length < 800, `${role} ${language} ${text}: ${reply.text.length} characters`);
      }
    }
  }
});

Deno.test("menuReply() shows a customer their own profile in en, fr, rw, and sw for a Swahili speaker", async () => {
  assert.equal(
    (await ask("my profile").reply).text,
    [
      "*Your profile*",
      "Name: Alice Uwase",
      "Number: +250788123456",
      "Language: Kinyarwanda",
      "Vouchers: 4 (2 active)",
      "Customer since: 2026-11-01",
    ].join("\n"),
  );
  assert.match(
    (await ask("mon profil").reply).text,
    /^\*Votre profil\*\nNom: Alice Uwase\n[^]*Bons : 4 \(2 actifs\)/,
  );
  assert.match((await ask("umwirondoro").reply).text, /^\*Umwirondoro wanyu\*\n[^]*Ururimi: Ikinyarwanda/);
  assert.match((await ask("3", { language: "sw" }).reply).text, /^\*Wasifu wako\*\nJina: Alice Uwase/);
  assert.equal((await ask("my profile", { found: null }).reply).text, TEXTS.en.notRegistered);
  assert.equal((await ask("my profile", { role: "operator" }).reply).text, TEXTS.en.operatorMenu);
});
