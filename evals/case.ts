/**
 * Golden conversations as data: the shape of `evals/cases/*.json`, checked with zod when loaded, and
 * the `{{...}}` placeholders that fixtures and tool outputs fill in at run time.
 */
import { z } from "zod";
import { isObject } from "../supabase/functions/_shared/json.ts";
import { maskVoucherCode } from "../supabase/functions/_shared/voucher_codes.ts";

const language = z.enum(["en", "fr", "rw", "sw"]);
const status = z.enum(["issued", "redeemed", "void"]);

/** Rows a case creates for itself, with values unique to the run (see fixtures.ts). */
const fixture = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("customer"),
    name: z.string().min(1),
    language: language.default("en"),
    /** v1 is the newest (list_vouchers answers newest first). */
    vouchers: z.array(z.strictObject({ amount: z.int().positive(), status: status.default("issued") }))
      .default([]),
  }),
  z.strictObject({
    kind: z.literal("operator"),
    name: z.string().min(1),
    active: z.boolean().default(true),
    /** Also a customer with the same number (self-dealing cases). */
    alsoCustomer: z.boolean().default(false),
  }),
  /** A phone number nobody in the database has. */
  z.strictObject({ kind: z.literal("phone") }),
  /** A WhatsApp username account: a business-scoped user id, no phone number. */
  z.strictObject({ kind: z.literal("username"), username: z.string().min(1) }),
]);
export type Fixture = z.output<typeof fixture>;

/** A call the turn should make; only the listed arguments are checked (matchers: graders.ts). */
const expectedCall = z.strictObject({
  name: z.string(),
  args: z.record(z.string(), z.unknown()).optional(),
  /** "ok", or the error code the tool must answer with (forbidden, voucher_redeemed, ...). */
  result: z.string().optional(),
  /** May be left out; when made, its arguments and result are still checked. */
  optional: z.boolean().optional(),
});
export type ExpectedCall = z.output<typeof expectedCall>;

/** A voucher the turn created or changed, as the database has it after the turn (see effects.ts). */
const expectedEffect = z.strictObject({
  /** The voucher's status after the turn: issued (created), redeemed or void. */
  status,
  code: z.string().optional(),
  /** The customer's number, however written. */
  customer: z.string().optional(),
  amount_rwf: z.int().positive().optional(),
});
export type ExpectedEffect = z.output<typeof expectedEffect>;

/** A pending action of the case's operators that the turn created or changed. */
const expectedAction = z.strictObject({
  kind: z.enum(["create_voucher", "redeem_voucher", "void_voucher"]),
  status: z.enum(["pending", "awaiting_approval", "done", "failed", "expired", "cancelled"]),
});

const expectation = z.strictObject({
  /** In this order; other calls may come between them (see extraTools). */
  tools: z.array(expectedCall).default([]),
  /** Calls not listed: "read" allows lookups and lists, "none" allows nothing. Side effects never. */
  extraTools: z.enum(["none", "read"]).default("read"),
  mustContain: z.array(z.string()).default([]),
  /** Each inner list: at least one of them (wording differs between languages and models). */
  mustContainAny: z.array(z.array(z.string()).min(1)).default([]),
  mustNotContain: z.array(z.string()).default([]),
  handoff: z.boolean().default(false),
  /** The turn goes between the customer and the staff member who took their handoff: nothing answers
   * it here, and what is graded as its reply is what was relayed to the other side. */
  relayed: z.boolean().default(false),
  /** Exactly these voucher changes, each with its receipt queued to the customer; none by default. */
  effects: z.array(expectedEffect).default([]),
  /** When given: exactly these pending actions were created or changed in the turn. */
  actions: z.array(expectedAction).optional(),
  /** When given: whether the sender is opted out of business-started messages after the turn. */
  optedOut: z.boolean().optional(),
});
export type Expectation = z.output<typeof expectation>;

/** What the model answers in scripted mode, one step per model call: tool calls, then text. */
const step = z.union([
  z.strictObject({ calls: z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())])).min(1) }),
  z.strictObject({ say: z.string().min(1) }),
]);
export type Step = z.output<typeof step>;

const turn = z.strictObject({
  /** One message, or a burst answered in one turn; with `tap`, the title of the button tapped. */
  user: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** The id of the reply button the user taps ("confirm:{{out.create_voucher.confirmation_code}}"): the
   * turn is that one tap, sent as Meta's interactive button_reply, titled `user`. */
  tap: z.string().min(1).optional(),
  expect: expectation,
  /** Empty for a turn answered in code (an operator's "YES 4821"): the model must not be called. */
  script: z.array(step).default([]),
  /** The user speaks: each message is a voice note whose transcript is the `user` text (scripted). */
  voice: z.boolean().default(false),
  /** Another fixture writes this turn (staff answering the sender's handoff, `{{handoff}}` its number). */
  from: z.string().optional(),
});

export const evalCase = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  language,
  tags: z.array(z.string()).default([]),
  fixtures: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), fixture),
  /** The fixture who writes: a customer, operator, phone or username. */
  sender: z.string(),
  turns: z.array(turn).min(1),
});
export type EvalCase = z.output<typeof evalCase>;
export type Turn = EvalCase["turns"][number];

/** Reads every case file in `dir`, checks shapes, ids and senders; throws naming the file at fault. */
export async function loadCases(dir: URL): Promise<EvalCase[]> {
  const cases: EvalCase[] = [];
  const files = [];
  for await (const entry of Deno.readDir(dir)) if (entry.name.endsWith(".json")) files.push(entry.name);
  for (const file of files.sort()) {
    const parsed = z.array(evalCase).safeParse(JSON.parse(await Deno.readTextFile(new URL(file, dir))));
    if (!parsed.success) throw new Error(`evals/cases/${file}: ${z.prettifyError(parsed.error)}`);
    for (const c of parsed.data) {
      const problem = caseProblem(c);
      if (problem) throw new Error(`evals/cases/${file}: case ${c.id}: ${problem}`);
      if (cases.some((o) => o.id === c.id)) throw new Error(`evals/cases/${file}: case ${c.id} twice`);
      cases.push(c);
    }
  }
  return cases;
}

function caseProblem(c: EvalCase): string | undefined {
  const sender = c.fixtures[c.sender];
  if (!sender) return `sender ${c.sender} is not a fixture`;
  const stranger = c.turns.find((t) => t.from !== undefined && !c.fixtures[t.from]);
  if (stranger) return `turn from ${stranger.from}, who is not a fixture`;
  // After a handoff the conversation belongs to staff: only staff taking it lets the agent in again.
  if (c.turns.some((t, i) => t.expect.handoff && c.turns[i + 1] && c.turns[i + 1]!.from === undefined)) {
    return "a handoff must be the last turn, or the next one staff's (`from`)";
  }
  if (c.turns.some((t) => t.script.length > 0 && !("say" in t.script.at(-1)!))) {
    return "every script must end with `say`";
  }
  return undefined;
}

/** Values placeholders resolve to: `me.msisdn`, `me.v1.code`, ... */
export type Vars = Record<string, string>;

/**
 * A tool output seen so far in the conversation, for `{{out.<tool>.<path>}}`; a voucher the
 * database shows changed has the name `effect`, for `{{effect.<path>}}`.
 */
export interface SeenOutput {
  name: string;
  output: unknown;
}

const PLACEHOLDER = /\{\{\s*([a-z0-9_.]+)\s*(?:\|\s*(other|masked)\s*)?\}\}/gi;

/**
 * Fills `{{name}}` from vars, `{{out.tool.path}}` from the latest output of that tool and
 * `{{effect.path}}` from the latest voucher change; `{{... | other}}` is a different value of the same
 * shape (each digit plus one: a wrong confirmation code); `{{... | masked}}` is a voucher code as
 * an operator sees it ("…M3PA"). Throws on an unknown name, and on a
 * missing output unless `missing` says what to put instead.
 */
export function render(
  text: string,
  vars: Vars,
  outputs: readonly SeenOutput[] = [],
  missing?: (placeholder: string) => string,
): string {
  return text.replace(PLACEHOLDER, (_, name: string, filter?: string) => {
    let value: string | undefined;
    if (name.startsWith("out.") || name.startsWith("effect.")) {
      try {
        value = String(outputValue(name, outputs));
      } catch (error) {
        if (missing) return missing(name);
        throw error;
      }
    } else value = vars[name];
    if (value === undefined) throw new Error(`Unknown placeholder {{${name}}}`);
    if (!filter) return value;
    return filter.toLowerCase() === "masked" ? maskVoucherCode(value) : other(value);
  });
}

/** A different value of the same shape: each digit plus one ("0919" → "1020"). */
function other(value: string): string {
  return value.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
}

/** Renders every string inside a JSON value. */
export function renderDeep<T>(
  value: T,
  vars: Vars,
  outputs: readonly SeenOutput[] = [],
  missing?: (placeholder: string) => string,
): T {
  if (typeof value === "string") return render(value, vars, outputs, missing) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars, outputs, missing)) as T;
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars, outputs, missing)]),
    ) as T;
  }
  return value;
}

function outputValue(name: string, outputs: readonly SeenOutput[]): unknown {
  const parts = name.split(".");
  const [tool, ...path] = parts[0] === "out" ? parts.slice(1) : parts;
  const seen = outputs.findLast((o) => o.name === tool);
  if (!seen) throw new Error(`{{${name}}}: no ${tool} output in the conversation`);
  let value: unknown = seen.output;
  for (const key of path) {
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined || value === null || typeof value === "object") {
    throw new Error(`{{${name}}}: the ${tool} output has no such value`);
  }
  return value;
}
