/**
 * Runs one golden conversation through the production path, turn by turn: the messages are stored
 * by the intake (whatsapp_ingest), the conversation is processed by processConversation (claim, the
 * agent behind withConfirmations as in production, whatsapp_finish_turn, the outbox, release), and
 * the reply is what the Graph API would have been given. The next turn's memory is the transcript in
 * Postgres. What the turn changed in the database is read after it. Then every grader runs.
 */
import type postgres from "postgres";
import type { TurnResult } from "../supabase/functions/_shared/agent/mod.ts";
import type { Deps } from "../supabase/functions/_shared/deps.ts";
import {
  CLAIM_LEASE_SECONDS,
  createProcessor,
  ingestBatch,
  parseWebhook,
} from "../supabase/functions/_shared/whatsapp/mod.ts";
import type { Transcriber } from "../supabase/functions/_shared/speech/mod.ts";
import {
  createFakeGraph,
  type FakeGraphHandler,
  type FakeSent,
} from "../supabase/functions/_testing/graph_fake.ts";
import {
  buttonReplyMessage,
  contact,
  mediaMessage,
  PHONE_NUMBER_ID,
  textMessage,
  webhookPayload,
} from "../supabase/functions/_testing/meta.ts";
import { type EvalCase, renderDeep, type SeenOutput, type Vars } from "./case.ts";
import { databaseNow, type EffectScope, observeEffects, observeOptOut } from "./effects.ts";
import type { CaseFixtures, EvalSender, Person } from "./fixtures.ts";
import { handoffVars, relayedSince } from "./handoff.ts";
import { type Grade, gradeTurn, type ObservedTurn } from "./graders.ts";
import type { ScriptedModel } from "./scripted.ts";

export interface RunEnv {
  /** The service's dependencies, the model among them as OPENAI_* configure it. */
  deps: Deps;
  /** Direct client, for the two set-up calls before a message is stored. */
  sql: postgres.Sql;
  /** Present in scripted mode. */
  scripted?: ScriptedModel;
  people: Person[];
}

export interface TurnReport extends ObservedTurn {
  grades: Grade[];
  /** From storing the messages to the reply handed to the Graph API. */
  ms: number;
  inputTokens: number;
  outputTokens: number;
  model?: string;
}

export interface CaseResult {
  id: string;
  title: string;
  language: string;
  role: string;
  tags: string[];
  pass: boolean;
  /** Each failed grade, with its turn (1-based). */
  failures: { turn: number; grader: string; detail: string }[];
  turns: TurnReport[];
}

/** Runs and grades one case; never throws for what the agent does, only for a broken database. */
export async function runCase(env: RunEnv, c: EvalCase, fx: CaseFixtures): Promise<CaseResult> {
  const { sender } = fx;
  const conversationOf = async (who: EvalSender): Promise<string> =>
    (await env.sql`select public.whatsapp_conversation_for(${who.waId}, ${who.userId}, ${who.name},
      ${who.username}) as id`)[0]!.id;
  const conversationId = await conversationOf(sender);
  const scope = effectScope(c, fx);
  const turns: TurnReport[] = [];
  for (const turn of c.turns) {
    // Staff answering the sender's handoff write in their own conversation.
    const who = turn.from === undefined ? sender : fx.writers[turn.from]!;
    const whoseConversation = who === sender ? conversationId : await conversationOf(who);
    const vars = { ...fx.vars, ...(await handoffVars(env.sql, conversationId)) };
    // "YES {{out.create_voucher.confirmation_code}}" answers what an earlier turn proposed.
    const user = renderDeep([turn.user].flat(), vars, seenOutputs(turns));
    const tap = turn.tap === undefined ? undefined : renderDeep(turn.tap, vars, seenOutputs(turns));
    env.scripted?.load(turn.script, vars);
    let result: TurnResult | undefined;
    let error: string | undefined;
    let answered = false;
    // The Graph API is the fake, in-process, with the real client: the reply is what it accepted.
    const graph = createFakeGraph({ idPrefix: `EVALOUT${crypto.randomUUID()}x` });
    const failed = (what: string, cause: unknown) =>
      `${what} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : cause}`;
    // The production composition (an operator's "YES 4821" carried out in code, the agent, the menu
    // behind it), with the Graph API the fake and the agent's turn watched for the graders.
    const processor = createProcessor(env.deps, {
      graph: graph.client(),
      transcriber: SCRIPTED_TRANSCRIBER,
      onAgentTurn: (outcome) => {
        if ("result" in outcome) result = outcome.result;
        else if ("error" in outcome) error = failed("the agent", outcome.error);
        else error = `the agent did not run: ${outcome.menu}`;
      },
      respond: (chain) => async (t) => {
        try {
          return await chain(t);
        } catch (cause) {
          error = failed("the responder", cause);
          return { messages: [], handoff: false };
        } finally {
          answered = true;
        }
      },
      slowDown: () => "",
      humanNote: () => "",
    });
    const since = await databaseNow(env.sql);
    const started = performance.now();
    // Claimed before the messages exist, so no other worker (the dev gateway's drain) answers them.
    const worker = crypto.randomUUID();
    await env.sql`select public.whatsapp_claim_turn(${whoseConversation}, ${worker}, ${CLAIM_LEASE_SECONDS})`;
    await ingestBatch(env.deps.db, batch(who, user, turn.voice ? graph : undefined, tap), env.deps.log);
    await processor.answerOne(whoseConversation, { worker });
    const ms = performance.now() - started;
    if (!answered && !error && !turn.expect.relayed) {
      error = "the turn was not answered (the conversation is with staff, or throttled)";
    }
    graph.stop();
    const problems = [env.scripted?.finish(), ...graph.violations.map((v) => `the Graph API refused ${v}`)];
    for (const problem of problems.filter((p) => p !== undefined)) {
      error = error ? `${error}; ${problem}` : problem;
    }
    const changed = await observeEffects(env.sql, scope, since, user);
    const observed: ObservedTurn = {
      user,
      reply: turn.expect.relayed
        ? await relayedSince(env.sql, whoseConversation, since)
        : await replies(env.sql, graph.sent),
      handoff: result?.handoff ?? false,
      toolCalls: (result?.toolCalls ?? []).map((t) => ({
        name: t.name,
        arguments: t.arguments,
        success: t.success,
        errorCode: t.errorCode,
        output: t.output,
      })),
      ...changed,
      optedOut: await observeOptOut(env.sql, who.waId),
      ...(error ? { error } : {}),
    };
    const grades = grade(
      env,
      vars,
      who === sender ? undefined : who,
      fx.sender,
      turn.expect,
      observed,
      turns,
    );
    turns.push({
      ...observed,
      grades,
      ms: Math.round(ms * 10) / 10,
      inputTokens: result?.usage.inputTokens ?? 0,
      outputTokens: result?.usage.outputTokens ?? 0,
      model: result?.model,
    });
  }
  const failures = turns.flatMap((t, i) =>
    t.grades.filter((g) => !g.pass).map((g) => ({ turn: i + 1, grader: g.grader, detail: g.detail ?? "" }))
  );
  return {
    id: c.id,
    title: c.title,
    language: c.language,
    role: sender.userId && !sender.waId ? "username" : sender.role,
    tags: c.tags,
    pass: failures.length === 0,
    failures,
    turns,
  };
}

/** Grades a turn of the case's sender, or of `staff` answering their handoff. */
function grade(
  env: RunEnv,
  vars: Vars,
  staff: EvalSender | undefined,
  customer: EvalSender,
  expect: EvalCase["turns"][number]["expect"],
  turn: ObservedTurn,
  history: ObservedTurn[],
): Grade[] {
  const outputs = seenOutputs([...history, turn]);
  const who = staff ?? customer;
  const sender = { role: who.role, msisdn: who.msisdn, name: who.name };
  // The taker is shown the customer they answer by name (their number masked).
  const people = staff ? env.people.filter((p) => p.msisdn !== customer.msisdn) : env.people;
  // An output the agent never produced (no create_voucher call) cannot be in the reply either.
  const rendered = renderDeep(expect, vars, outputs, (name) => `{{${name}: no such output}}`);
  return gradeTurn(rendered, turn, { history, sender, people });
}

/** The tool outputs and voucher changes of these turns, for `{{out.<tool>.<path>}}` and `{{effect.<path>}}`. */
function seenOutputs(turns: readonly ObservedTurn[]): SeenOutput[] {
  return turns.flatMap((t) => [
    ...t.toolCalls.map((call) => ({ name: call.name, output: call.output })),
    ...t.effects.map((output) => ({ name: "effect", output })),
  ]);
}

/** The case's customers and operators, whose vouchers and actions the effects grader watches. */
function effectScope(c: EvalCase, fx: CaseFixtures): EffectScope {
  const numbers = (kind: string) =>
    Object.entries(c.fixtures).filter(([, f]) => f.kind === kind).map(([key]) => fx.vars[`${key}.msisdn`]!);
  return { customers: numbers("customer"), operators: numbers("operator") };
}

/**
 * The turn's replies among what was sent: a message the business started for someone else (an
 * approval request another case's operator queued for every operator) reaches this chat too, but
 * is not this turn's answer.
 */
async function replies(sql: postgres.Sql, sent: FakeSent[]): Promise<string> {
  // Each send carries its outbox row's id as callback data.
  const ids = sent.flatMap((m) => (m.callbackData ? [m.callbackData] : []));
  const rows =
    await sql`select id::text as id from public.messages where id = any(${ids}::uuid[]) and purpose = 'reply'`;
  const reply = new Set(rows.map((r) => r.id));
  return sent.filter((m) => reply.has(m.callbackData ?? "")).map((m) => m.body).join("\n");
}

/** A scripted recogniser: a case's voice note carries its transcript as its bytes (see batch). */
const SCRIPTED_TRANSCRIBER: Transcriber = {
  transcribe: ({ bytes }) => Promise.resolve({ text: new TextDecoder().decode(bytes), seconds: 3 }),
};

/**
 * The messages as the webhook would have stored them (Meta's body, read by the webhook's reader): one
 * batch. With `voice`, each is a voice note the fake Graph API serves, its bytes the words it says;
 * with `tap`, a tap on the reply button of that id, titled by the first text.
 */
function batch(sender: EvalSender, texts: string[], voice?: FakeGraphHandler, tap?: string) {
  const now = Date.now();
  const from = sender.waId ? { from: sender.waId } : { from: null, fromUserId: sender.userId ?? undefined };
  // Unique across runs on the same database: Meta's ids are unique, and a repeat is a duplicate.
  const id = () => `wamid.EVAL${crypto.randomUUID().replaceAll("-", "").toUpperCase()}`;
  const body = webhookPayload({
    messages: tap !== undefined
      ? [buttonReplyMessage({ ...from, id: id(), replyId: tap, title: texts[0], timestamp: new Date(now) })]
      : texts.map((body, i) => {
        const timestamp = new Date(now + i);
        if (!voice) return textMessage({ ...from, id: id(), body, timestamp });
        const mediaId = `${now}${i}${Math.floor(Math.random() * 1e6)}`;
        voice.media.add(mediaId, {
          bytes: new TextEncoder().encode(body),
          mimeType: "audio/ogg; codecs=opus",
        });
        return mediaMessage("audio", { ...from, id: id(), mediaId, timestamp });
      }),
    contacts: [contact({
      waId: sender.waId,
      userId: sender.userId ?? undefined,
      name: sender.name,
      username: sender.username ?? undefined,
    })],
  });
  return parseWebhook(body, { phoneNumberId: PHONE_NUMBER_ID });
}
