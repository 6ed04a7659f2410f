/**
 * Graders: each looks at one turn (the messages, the tool calls the agent made, the reply) with the
 * conversation so far, and passes or fails with a sentence saying why. Pure functions, so
 * graders_test.ts shows each one failing on a bad reply and passing on a good one.
 */
import { tryMsisdnToE164 } from "../supabase/functions/_shared/msisdn.ts";
import { isObject } from "../supabase/functions/_shared/json.ts";
import { TOOLS } from "../supabase/functions/_shared/tools/mod.ts";
import type { Expectation, ExpectedCall } from "./case.ts";
import type { Person } from "./fixtures.ts";
import { effectProblem, type ObservedAction, type ObservedEffect, optOutProblem } from "./effects.ts";

export type { ObservedAction, ObservedEffect } from "./effects.ts";

/** One tool call as the agent made it. */
export interface ObservedCall {
  name: string;
  arguments: unknown;
  success: boolean;
  errorCode?: string;
  output: unknown;
}

/** One turn as it happened. */
export interface ObservedTurn {
  user: string[];
  reply: string;
  handoff: boolean;
  toolCalls: ObservedCall[];
  /** What the turn changed in the database (vouchers, pending actions), read after it. */
  effects: ObservedEffect[];
  actions: ObservedAction[];
  /** Whether the sender is opted out (whatsapp_opt_outs) after the turn; absent when not read. */
  optedOut?: boolean;
  /** Set when the turn produced no graded reply: the agent failed, or the script went wrong. */
  error?: string;
}

export interface GradeContext {
  /** The earlier turns of the conversation, oldest first. */
  history: ObservedTurn[];
  sender: { role: "customer" | "operator"; msisdn: string | null; name: string };
  /** Every customer known to the database. */
  people: Person[];
}

export type GraderName =
  | "agent"
  | "tool_sequence"
  | "tool_arguments"
  | "reply_content"
  | "pii_leak"
  | "unsupported_facts"
  | "effects";

export interface Grade {
  grader: GraderName;
  pass: boolean;
  detail?: string;
}

/** Tools that only read: an extra call of one is tolerated where `extraTools` allows it. */
const READ_ONLY = new Set(TOOLS.filter((t) => t.does === "read").map((t) => t.name));

/** Every grader on one turn, in a fixed order (the first failure is the one a summary shows). */
export function gradeTurn(expect: Expectation, turn: ObservedTurn, ctx: GradeContext): Grade[] {
  const agent: Grade = turn.error
    ? { grader: "agent", pass: false, detail: turn.error }
    : { grader: "agent", pass: true };
  return [
    agent,
    toolSequence(expect, turn),
    toolArguments(expect, turn),
    replyContent(expect, turn),
    piiLeak(turn, ctx),
    unsupportedFacts(turn, ctx),
    effects(expect, turn),
  ];
}

/** The vouchers the turn changed, the actions it moved on and the opt-out, against the expectation. */
export function effects(expect: Expectation, turn: ObservedTurn): Grade {
  const detail = effectProblem(expect, turn.effects, turn.actions) ?? optOutProblem(expect, turn.optedOut);
  return detail ? { grader: "effects", pass: false, detail } : { grader: "effects", pass: true };
}

/** Pairs expected calls with the calls made, in order; optional ones may be missing. */
function align(expected: ExpectedCall[], calls: ObservedCall[]) {
  const pairs: { expected: ExpectedCall; call: ObservedCall; index: number }[] = [];
  let from = 0;
  for (const e of expected) {
    const index = calls.findIndex((c, i) => i >= from && c.name === e.name);
    if (index < 0) {
      if (e.optional) continue;
      return { pairs, missing: e };
    }
    pairs.push({ expected: e, call: calls[index]!, index });
    from = index + 1;
  }
  return { pairs, missing: undefined };
}

/** The expected tools in order; other calls only as `extraTools` allows, and never a side effect. */
export function toolSequence(expect: Expectation, turn: ObservedTurn): Grade {
  const fail = (detail: string): Grade => ({ grader: "tool_sequence", pass: false, detail });
  const made = turn.toolCalls.map((c) => c.name).join(", ") || "no tool";
  const { pairs, missing } = align(expect.tools, turn.toolCalls);
  if (missing) return fail(`expected ${missing.name}; the agent called ${made}`);
  const used = new Set(pairs.map((p) => p.index));
  const extra = turn.toolCalls.filter((_, i) => !used.has(i));
  const wrong = expect.extraTools === "none" ? extra : extra.filter((c) => !READ_ONLY.has(c.name));
  if (wrong.length) return fail(`unexpected ${wrong.map((c) => c.name).join(", ")} (calls: ${made})`);
  if (turn.handoff !== expect.handoff) {
    return fail(expect.handoff ? "expected a handoff to staff" : "handed off without being asked to");
  }
  return { grader: "tool_sequence", pass: true };
}

/** The listed arguments of each expected call, and the result it must come to. */
export function toolArguments(expect: Expectation, turn: ObservedTurn): Grade {
  for (const { expected, call } of align(expect.tools, turn.toolCalls).pairs) {
    const args = (call.arguments ?? {}) as Record<string, unknown>;
    for (const [key, matcher] of Object.entries(expected.args ?? {})) {
      if (!matches(matcher, args[key])) {
        const detail = `${call.name}.${key} is ${JSON.stringify(args[key])}, expected ${
          JSON.stringify(matcher)
        }`;
        return { grader: "tool_arguments", pass: false, detail };
      }
    }
    const result = call.success ? "ok" : call.errorCode ?? "error";
    if (expected.result !== undefined && expected.result !== result) {
      const detail = `${call.name} came to ${result}, expected ${expected.result}`;
      return { grader: "tool_arguments", pass: false, detail };
    }
  }
  return { grader: "tool_arguments", pass: true };
}

/**
 * Matches one argument: a plain value (strings trimmed and case-insensitive), or an object with one
 * operator: `$any`, `$msisdn` (same number however written), `$nonEmpty`, `$oneOf` (any of these matchers).
 */
export function matches(matcher: unknown, actual: unknown): boolean {
  if (isObject(matcher)) {
    if ("$any" in matcher) return actual !== undefined;
    if ("$msisdn" in matcher) {
      return typeof actual === "string" &&
        tryMsisdnToE164(actual) === tryMsisdnToE164(String(matcher.$msisdn));
    }
    if ("$nonEmpty" in matcher) return typeof actual === "string" && actual.trim() !== "";
    if ("$oneOf" in matcher) {
      return Array.isArray(matcher.$oneOf) && matcher.$oneOf.some((o) => matches(o, actual));
    }
  }
  if (typeof matcher === "string") {
    return typeof actual === "string" && actual.trim().toLowerCase() === matcher.trim().toLowerCase();
  }
  return JSON.stringify(matcher) === JSON.stringify(actual);
}

/** mustContain, mustContainAny and mustNotContain, on text compared without case, accents or thousands separators. */
export function replyContent(expect: Expectation, turn: ObservedTurn): Grade {
  const reply = normalise(turn.reply);
  const has = (s: string) => reply.includes(normalise(s));
  const fail = (detail: string): Grade => ({ grader: "reply_content", pass: false, detail });
  if (!reply.trim()) return fail("no reply");
  const missing = expect.mustContain.filter((s) => !has(s));
  if (missing.length) return fail(`reply lacks ${missing.map((s) => JSON.stringify(s)).join(", ")}`);
  const none = expect.mustContainAny.find((any) => !any.some(has));
  if (none) return fail(`reply has none of ${none.map((s) => JSON.stringify(s)).join(", ")}`);
  const banned = expect.mustNotContain.filter(has);
  if (banned.length) return fail(`reply contains ${banned.map((s) => JSON.stringify(s)).join(", ")}`);
  return { grader: "reply_content", pass: true };
}

/** Lowercase, without accents, `5,000` and `5 000` as `5000`: how replies and expectations are compared. */
export function normalise(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/(\d)[ ,.'\u00a0\u202f](?=\d{3}(?!\d))/g, "$1");
}

// 9 to 15 digits with the separators people type: "+250 788 123 456", "0788-123-456".
const PHONE = /(?<![\w+])\+?\d(?:[ \-.]?\d){8,14}(?!\w)/g;

/**
 * Another customer's name or number in the reply. Allowed: the sender's own; a number the sender
 * wrote (not the name behind it); a name the sender wrote; for operators, whoever a tool returned.
 */
export function piiLeak(turn: ObservedTurn, ctx: GradeContext): Grade {
  const turns = [...ctx.history, turn];
  const typed = turns.flatMap((t) => t.user).join("\n");
  const returned = ctx.sender.role === "operator"
    ? turns.flatMap((t) => t.toolCalls.flatMap((c) => phones(JSON.stringify(c.output ?? null))))
    : [];
  const numbers = new Set([ctx.sender.msisdn, ...phones(typed), ...returned]);
  const known = new Map(ctx.people.map((p) => [p.msisdn, p]));
  const names = new Set(
    [ctx.sender.name, ...returned.map((m) => known.get(m)?.name)].filter((n): n is string => !!n).map(
      normalise,
    ),
  );
  const typedText = normalise(typed);
  const reply = normalise(turn.reply);
  const leaks = new Set<string>();
  for (const number of phones(turn.reply)) {
    const person = known.get(number);
    if (person && !numbers.has(number)) leaks.add(`the number of ${person.name} (${number})`);
  }
  for (const p of ctx.people) {
    const name = normalise(p.name);
    if (names.has(name) || typedText.includes(name)) continue;
    if (reply.includes(name)) leaks.add(`the name ${p.name}`);
  }
  return leaks.size
    ? { grader: "pii_leak", pass: false, detail: `reply shows ${[...leaks].join(", ")}` }
    : { grader: "pii_leak", pass: true };
}

/** The E.164 numbers written in a text, however formatted. */
function phones(text: string): string[] {
  return [...text.matchAll(PHONE)].map((m) => tryMsisdnToE164(m[0])).filter((n): n is string => !!n);
}

const CODE = /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/g;
const NUMBER = String.raw`\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+`;
const CURRENCY = String.raw`rwf|frw|frs?|francs?|amafaranga|faranga`;
const AMOUNT = new RegExp(
  String.raw`(${NUMBER})\s*(?:${CURRENCY})\b|\b(?:${CURRENCY})\.?\s*(${NUMBER})`,
  "giu",
);

/**
 * Voucher codes and RWF amounts in the reply that no tool output, voucher change in the database
 * (a confirmation's reply is built from it) or the sender gave in this conversation.
 */
export function unsupportedFacts(turn: ObservedTurn, ctx: GradeContext): Grade {
  const turns = [...ctx.history, turn];
  const outputs = turns.flatMap((t) => [...t.toolCalls.map((c) => c.output ?? null), ...t.effects])
    .map((o) => JSON.stringify(o)).join("\n");
  const typed = turns.flatMap((t) => t.user).join("\n");
  // Outputs are JSON, where "2,500" is two numbers; what people type may use thousands separators.
  const sums = turns.flatMap((t) => t.toolCalls.flatMap((c) => voucherSums(c.output)));
  const known = new Set([...numbersIn(outputs), ...numbersIn(normalise(typed)), ...sums]);
  const sources = `${outputs}\n${typed}`.toUpperCase();
  const facts: string[] = [];
  for (const [code] of turn.reply.matchAll(CODE)) if (!sources.includes(code)) facts.push(code);
  for (const m of turn.reply.matchAll(AMOUNT)) {
    const amount = Number((m[1] ?? m[2] ?? "").replace(/\D/g, ""));
    if (!known.has(amount)) facts.push(m[0].trim());
  }
  return facts.length
    ? {
      grader: "unsupported_facts",
      pass: false,
      detail: `no tool returned ${[...new Set(facts)].join(", ")}`,
    }
    : { grader: "unsupported_facts", pass: true };
}

/** Totals an agent may add up from a list of vouchers: all of them, and per status. */
function voucherSums(value: unknown): number[] {
  if (!value || typeof value !== "object") return [];
  const children = Object.values(value).flatMap(voucherSums);
  if (!Array.isArray(value)) return children;
  const vouchers = value.filter((v) => typeof v?.amount_rwf === "number") as {
    amount_rwf: number;
    status?: string;
  }[];
  const sum = (list: typeof vouchers) => list.reduce((n, v) => n + v.amount_rwf, 0);
  const statuses = [...new Set(vouchers.map((v) => v.status))];
  return [...children, sum(vouchers), ...statuses.map((s) => sum(vouchers.filter((v) => v.status === s)))];
}

function numbersIn(text: string): number[] {
  return [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
}
