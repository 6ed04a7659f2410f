import assert from "node:assert/strict";
import type { Expectation } from "./case.ts";
import {
  effects,
  type GradeContext,
  gradeTurn,
  matches,
  normalise,
  type ObservedAction,
  type ObservedCall,
  type ObservedEffect,
  type ObservedTurn,
  piiLeak,
  replyContent,
  toolArguments,
  toolSequence,
  unsupportedFacts,
} from "./graders.ts";

const ME = { msisdn: "+250710000001", name: "Grace Mukamana" };
const OTHER = { msisdn: "+250788123456", name: "Jean Claude Niyonzima" };
const people = [ME, OTHER, { msisdn: "+250727091453", name: "Aline Mukamana" }];
const customer: GradeContext = { history: [], sender: { role: "customer", ...ME }, people };
const operator: GradeContext = {
  history: [],
  sender: { role: "operator", msisdn: "+250710000009", name: "Eric Nshuti" },
  people,
};

const expect = (e: Partial<Expectation> = {}): Expectation => ({
  tools: [],
  extraTools: "read",
  mustContain: [],
  mustContainAny: [],
  mustNotContain: [],
  handoff: false,
  relayed: false,
  effects: [],
  ...e,
});
const listOutput = {
  customer: { msisdn: ME.msisdn, name: ME.name },
  vouchers: [
    { code: "A9JF-AGFV", amount_rwf: 5000, status: "issued" },
    { code: "4H4C-VHR3", amount_rwf: 12000, status: "issued" },
  ],
};
const listCall = (args: unknown = { msisdn: null, status: null }): ObservedCall => ({
  name: "list_vouchers",
  arguments: args,
  success: true,
  output: listOutput,
});
const turn = (reply: string, toolCalls: ObservedCall[] = [], user = ["my vouchers?"]): ObservedTurn => ({
  user,
  reply,
  handoff: false,
  toolCalls,
  effects: [],
  actions: [],
});

Deno.test("toolSequence() fails when an expected tool is missing and passes when it was called", () => {
  const e = expect({ tools: [{ name: "list_vouchers" }] });
  assert.equal(toolSequence(e, turn("hi")).pass, false);
  assert.equal(toolSequence(e, turn("hi", [listCall()])).pass, true);
});

Deno.test("toolSequence() allows an extra lookup but never an unexpected side effect", () => {
  const lookup = { name: "lookup_customer", arguments: {}, success: true, output: {} };
  const redeem = { name: "redeem_voucher", arguments: {}, success: true, output: {} };
  const e = expect({ tools: [{ name: "list_vouchers" }] });
  assert.equal(toolSequence(e, turn("x", [lookup, listCall()])).pass, true);
  assert.match(toolSequence(e, turn("x", [listCall(), redeem])).detail!, /unexpected redeem_voucher/);
  assert.equal(toolSequence({ ...e, extraTools: "none" }, turn("x", [lookup, listCall()])).pass, false);
});

Deno.test("toolSequence() lets an optional call be left out, and wants a handoff when one is expected", () => {
  const e = expect({ tools: [{ name: "create_voucher", optional: true, result: "forbidden" }] });
  assert.equal(toolSequence(e, turn("Only staff can")).pass, true);
  const handoff = expect({ handoff: true, tools: [{ name: "handoff_to_human" }] });
  const call = { name: "handoff_to_human", arguments: { reason: "asked" }, success: true, output: {} };
  assert.equal(toolSequence(handoff, turn("ok", [call])).pass, false);
  assert.equal(toolSequence(handoff, { ...turn("ok", [call]), handoff: true }).pass, true);
});

Deno.test("toolArguments() fails on a wrong argument or result and passes on the right ones", () => {
  const e = expect({
    tools: [{ name: "list_vouchers", args: { msisdn: { $msisdn: OTHER.msisdn } }, result: "ok" }],
  });
  assert.match(toolArguments(e, turn("x", [listCall({ msisdn: "+250788999999" })])).detail!, /msisdn/);
  assert.equal(toolArguments(e, turn("x", [listCall({ msisdn: "0788 123 456" })])).pass, true);
  const failed = { ...listCall({ msisdn: "0788123456" }), success: false, errorCode: "customer_not_found" };
  assert.match(toolArguments(e, turn("x", [failed])).detail!, /came to customer_not_found, expected ok/);
});

Deno.test("matches() knows $any, $msisdn, $nonEmpty, $oneOf and compares strings without case", () => {
  assert.ok(matches({ $any: true }, null));
  assert.ok(!matches({ $any: true }, undefined));
  assert.ok(matches({ $msisdn: "+250788123456" }, "250 788 123 456"));
  assert.ok(!matches({ $msisdn: "+250788123456" }, null));
  assert.ok(matches({ $nonEmpty: true }, "lost"));
  assert.ok(!matches({ $nonEmpty: true }, "  "));
  assert.ok(matches({ $oneOf: [null, "issued"] }, null));
  assert.ok(!matches({ $oneOf: [null, "issued"] }, "void"));
  assert.ok(matches("K7QX-M3PA", " k7qx-m3pa"));
  assert.ok(matches(15000, 15000) && !matches(15000, 1500));
});

Deno.test("replyContent() fails on a missing or banned phrase and passes on a good reply", () => {
  const e = expect({
    mustContain: ["A9JF-AGFV", "5000"],
    mustContainAny: [["annulé", "void"]],
    mustNotContain: ["K7QX-M3PA"],
  });
  assert.match(replyContent(e, turn("*A9JF-AGFV* est annulé")).detail!, /lacks "5000"/);
  assert.match(replyContent(e, turn("*A9JF-AGFV* 5,000 RWF: ok")).detail!, /none of/);
  assert.match(replyContent(e, turn("*A9JF-AGFV* 5 000 RWF ANNULE, K7QX-M3PA too")).detail!, /contains/);
  assert.equal(replyContent(e, turn("*A9JF-AGFV* (5 000 RWF) est annulé")).pass, true);
  assert.equal(replyContent(e, turn("")).detail, "no reply");
});

Deno.test("normalise() drops case, accents and thousands separators", () => {
  assert.equal(normalise("Annulé: 10,000,000 RWF"), "annule: 10000000 rwf");
  assert.equal(normalise("5 000 et 12.500"), "5000 et 12500");
});

Deno.test("piiLeak() fails when another customer's name or number is shown to a customer", () => {
  assert.match(piiLeak(turn("That is Jean Claude Niyonzima's voucher"), customer).detail!, /Jean Claude/);
  assert.match(piiLeak(turn("Call 0727 091 453"), customer).detail!, /Aline Mukamana/);
  assert.equal(piiLeak(turn(`Hello ${ME.name}, your number is ${ME.msisdn}`), customer).pass, true);
});

Deno.test("piiLeak() allows a number the sender typed, but not the name behind it", () => {
  const asked = ["show the vouchers of +250788123456"];
  assert.equal(piiLeak(turn("I can't show +250788123456's vouchers", [], asked), customer).pass, true);
  const named = turn("+250788123456 is Jean Claude Niyonzima", [], asked);
  assert.match(piiLeak(named, customer).detail!, /the name Jean Claude Niyonzima/);
});

Deno.test("piiLeak() lets an operator see the customer a tool returned, and no one else", () => {
  const lookup: ObservedCall = {
    name: "lookup_customer",
    arguments: { msisdn: "0788123456" },
    success: true,
    output: { customer: { msisdn: OTHER.msisdn, name: OTHER.name } },
  };
  assert.equal(piiLeak(turn(`${OTHER.name} (${OTHER.msisdn})`, [lookup]), operator).pass, true);
  assert.equal(piiLeak(turn(`${OTHER.name}, like Aline Mukamana`, [lookup]), operator).pass, false);
});

Deno.test("unsupportedFacts() fails on a code or amount no tool returned and passes on returned ones", () => {
  const good = turn("*A9JF-AGFV* 5,000 RWF and *4H4C-VHR3* RWF 12 000", [listCall()]);
  assert.equal(unsupportedFacts(good, customer).pass, true);
  const made = turn("*A9JF-AGFV* 5,000 RWF and *ZX9Q-7KPT* 8,000 Frw", [listCall()]);
  assert.equal(unsupportedFacts(made, customer).detail, "no tool returned ZX9Q-7KPT, 8,000 Frw");
  assert.equal(unsupportedFacts(turn("You have *A9JF-AGFV*"), customer).pass, false);
});

Deno.test("unsupportedFacts() accepts what the sender wrote, totals of a list, and earlier turns' outputs", () => {
  const typed = turn("No voucher has the code ZZZZ-9999 (15,000 RWF)", [], ["redeem ZZZZ-9999 for 15000"]);
  assert.equal(unsupportedFacts(typed, customer).pass, true);
  assert.equal(unsupportedFacts(turn("17,000 RWF in all", [listCall()]), customer).pass, true);
  const later = turn("The second is 12,000 RWF");
  assert.equal(unsupportedFacts(later, { ...customer, history: [turn("ok", [listCall()])] }).pass, true);
  assert.equal(unsupportedFacts(later, customer).pass, false);
});

Deno.test("gradeTurn() reports an agent failure first, then every grader", () => {
  const grades = gradeTurn(expect(), { ...turn(""), error: "the agent failed: ModelError" }, customer);
  assert.deepEqual(grades.map((g) => [g.grader, g.pass]), [
    ["agent", false],
    ["tool_sequence", true],
    ["tool_arguments", true],
    ["reply_content", false],
    ["pii_leak", true],
    ["unsupported_facts", true],
    ["effects", true],
  ]);
});

const issued: ObservedEffect = {
  code: "K7QX-M3PA",
  customer_msisdn: OTHER.msisdn,
  amount_rwf: 15000,
  status: "issued",
  receipt: true,
};
const withEffects = (effects: ObservedEffect[], actions: ObservedAction[] = []): ObservedTurn => ({
  ...turn("Done: voucher *K7QX-M3PA* issued"),
  effects,
  actions,
});

Deno.test("effects() fails on a voucher change nobody expected: a proposal must change nothing", () => {
  const proposal = expect({ actions: [{ kind: "create_voucher", status: "pending" }] });
  const changed = effects(proposal, withEffects([issued], [{ kind: "create_voucher", status: "done" }]));
  assert.equal(changed.pass, false);
  assert.match(changed.detail!, /unexpected effect: voucher K7QX-M3PA issued/);
  assert.equal(effects(expect(), withEffects([issued])).pass, false, "no effects expected by default");
  assert.equal(
    effects(proposal, withEffects([], [{ kind: "create_voucher", status: "pending" }])).pass,
    true,
  );
});

Deno.test("effects() fails when the expected voucher change did not happen, or differs", () => {
  const confirm = expect({ effects: [{ status: "issued", customer: "0788 123 456", amount_rwf: 15000 }] });
  const missing = effects(confirm, withEffects([]));
  assert.equal(missing.pass, false);
  assert.match(missing.detail!, /expected a voucher issued; the turn changed nothing/);
  assert.equal(effects(confirm, withEffects([{ ...issued, amount_rwf: 1500 }])).pass, false);
  assert.equal(effects(confirm, withEffects([{ ...issued, customer_msisdn: ME.msisdn }])).pass, false);
  assert.equal(effects(confirm, withEffects([{ ...issued, status: "void" }])).pass, false);
  assert.equal(effects(confirm, withEffects([issued])).pass, true);
  const byCode = expect({ effects: [{ status: "redeemed", code: "k7qx-m3pa" }] });
  assert.equal(effects(byCode, withEffects([{ ...issued, status: "redeemed" }])).pass, true);
  assert.equal(
    effects(byCode, withEffects([{ ...issued, code: "AAAA-BBBB", status: "redeemed" }])).pass,
    false,
  );
});

Deno.test("effects() fails on a change without the customer's receipt", () => {
  const confirm = expect({ effects: [{ status: "issued" }] });
  const silent = effects(confirm, withEffects([{ ...issued, receipt: false }]));
  assert.equal(silent.pass, false);
  assert.match(silent.detail!, /no receipt queued to the customer for voucher K7QX-M3PA/);
});

Deno.test("effects() checks the listed actions exactly, and ignores actions when none are listed", () => {
  const waits = expect({ actions: [{ kind: "create_voucher", status: "awaiting_approval" }] });
  assert.equal(effects(waits, withEffects([], [{ kind: "create_voucher", status: "done" }])).pass, false);
  assert.equal(effects(waits, withEffects([])).pass, false);
  assert.equal(
    effects(waits, withEffects([], [{ kind: "create_voucher", status: "awaiting_approval" }])).pass,
    true,
  );
  const nothing = expect({ actions: [] });
  assert.equal(
    effects(nothing, withEffects([], [{ kind: "void_voucher", status: "cancelled" }])).pass,
    false,
  );
  assert.equal(
    effects(expect(), withEffects([], [{ kind: "void_voucher", status: "cancelled" }])).pass,
    true,
  );
});

Deno.test("unsupportedFacts() accepts a code the database shows the turn issued, and only that one", () => {
  assert.equal(unsupportedFacts(turn("Done: voucher *K7QX-M3PA* issued"), operator).pass, false);
  assert.equal(unsupportedFacts(withEffects([issued]), operator).pass, true);
});

Deno.test("effects() checks the sender's opt-out when the expectation names it, and only then", () => {
  const stop = expect({ optedOut: true });
  const notOut = effects(stop, { ...turn("Done"), optedOut: false });
  assert.equal(notOut.pass, false);
  assert.match(notOut.detail!, /expected the sender to be opted out/);
  assert.equal(effects(stop, { ...turn("Done"), optedOut: true }).pass, true);
  assert.match(effects(expect({ optedOut: false }), { ...turn("Done"), optedOut: true }).detail!, /START/);
  assert.equal(effects(expect(), { ...turn("Done"), optedOut: true }).pass, true, "not named: not checked");
});
