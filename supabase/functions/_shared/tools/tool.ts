/**
 * A tool declared once: its schema (validating the model's arguments and giving the model its strict
 * JSON schema), who may use it, its kill switch, and what it does: read, propose an effect, or hand
 * the chat to staff. Everything else (the model's list, the runner, the evals, the docs) derives
 * from the declaration.
 */
import { z } from "zod";
import type { FlagName } from "../config.ts";
import type { Role, Sender } from "../conversation/mod.ts";
import type { Db, VoucherAction } from "../db/mod.ts";

/** A refusal the model should see as data: a stable code and a sentence. */
export class ToolFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "ToolFailure";
  }
}

/** What a tool runs with: the database, and the person writing (never identity from the arguments). */
export interface ToolRun {
  db: Db;
  sender: Sender;
}

/**
 * An effect (create, redeem, void) does not run when the model asks: it is proposed as a pending
 * action of the kind named like the tool, with `args` normalised (they are also what an ambiguous
 * failure is looked up by), and happens only when the operator confirms it in a later message.
 */
export interface Effect<A> {
  args(args: A): Record<string, unknown>;
  /** The action in a few words, while it waits: "a voucher of 5,000 RWF for Jean (+250*****3456)". */
  describe(action: VoucherAction): string;
  /** What the operator is told once it is done. */
  done(action: VoucherAction): string;
}

/** A tool as its file declares it. */
export interface ToolDeclaration<S extends z.ZodType> {
  name: string;
  description: string;
  schema: S;
  /** Who may use it. */
  roles: readonly Role[];
  /** A kill switch that turns it off. */
  flag?: FlagName;
  /** A read, or a handoff: runs at once and answers the model. */
  run?(run: ToolRun, args: z.output<S>): Promise<unknown>;
  effect?: Effect<z.output<S>>;
  /** Set when a successful call hands the conversation to staff. */
  handoff?: true;
}

/** The model's arguments, checked: a read to run, or an action to propose. */
export type Prepared =
  | { run(run: ToolRun): Promise<unknown> }
  | { propose: { kind: string; args: Record<string, unknown> } };

/** A tool as the registry holds it. */
export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly roles: readonly Role[];
  readonly flag?: FlagName;
  /** read: answers at once; effect: proposes a voucher action; handoff: hands the chat to staff. */
  readonly does: "read" | "effect" | "handoff";
  readonly schema: z.ZodType;
  /** The strict JSON schema the model is given. */
  readonly parameters: Record<string, unknown>;
  readonly effect?: Omit<Effect<never>, "args">;
  /** Checks the model's arguments; throws ToolFailure `invalid_arguments` saying what is wrong. */
  prepare(args: unknown): Prepared;
}

/** Turns a declaration into the tool the registry holds. */
export function defineTool<S extends z.ZodType>(d: ToolDeclaration<S>): Tool {
  const { $schema: _, ...parameters } = z.toJSONSchema(d.schema);
  const { run, effect } = d;
  return {
    name: d.name,
    description: d.description,
    roles: d.roles,
    flag: d.flag,
    does: effect ? "effect" : d.handoff ? "handoff" : "read",
    schema: d.schema,
    parameters,
    effect: effect && { describe: effect.describe, done: effect.done },
    prepare(args) {
      const parsed = d.schema.safeParse(args);
      if (!parsed.success) throw new ToolFailure("invalid_arguments", z.prettifyError(parsed.error));
      if (effect) return { propose: { kind: d.name, args: effect.args(parsed.data) } };
      if (!run) throw new Error(`Tool ${d.name} declares neither run nor effect`);
      return { run: (r) => run(r, parsed.data) };
    },
  };
}
