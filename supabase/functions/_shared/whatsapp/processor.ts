/**
 * The one composition root of a conversation: a typed STOP or START, staff's handoff commands and
 * replies, operators' confirmations, then the agent with
 * the menu behind it, inside the WhatsApp processor (claim, respond, outbox, release). The webhook,
 * the evals, the bench and the tests build it here; nothing else composes it.
 */
import { type AgentOutcome, agentResponder, createOpenAIModel, type Model } from "../agent/mod.ts";
import type { Responder } from "../conversation/mod.ts";
import type { Deps } from "../deps.ts";
import type { Logger } from "../log.ts";
import { withHandoff } from "../handoff/mod.ts";
import { menuResponder } from "../menu/mod.ts";
import { withOptOut } from "../optout/mod.ts";
import { createTranscriber, type Transcriber } from "../speech/mod.ts";
import { withConfirmations } from "../vouchers/mod.ts";
import { createGraphClient, type GraphClient } from "./graph.ts";
import { processConversation, processConversations, type ProcessorDeps } from "./process.ts";

/** What a host changes; everything else comes from the configuration, as in production. */
export interface ProcessorOverrides {
  /** The Graph API; from WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID when absent, null: nothing is sent. */
  graph?: GraphClient | null;
  /** The model; from OPENAI_API_KEY when absent, null: the menu answers. */
  model?: Model | null;
  /** Wraps the responder chain (the evals watch it answer; a test answers with its own). */
  respond?: (chain: Responder) => Responder;
  /** Told how the agent took each turn (the evals grade it). */
  onAgentTurn?: (outcome: AgentOutcome) => void;
  /** The channel's notes to a sender over the per-minute budget and to one waiting for staff. */
  slowDown?: ProcessorDeps["slowDown"];
  humanNote?: ProcessorDeps["humanNote"];
  /** The transcriber of voice notes; from the speech configuration when absent, null: none. */
  transcriber?: Transcriber | null;
  /** Wall-clock time, for the date in the agent's instructions. */
  today?: () => Date;
}

/** Answers conversations after their messages are stored. */
export interface Processor {
  /** These conversations, then up to PICKUP_BATCH others with work left over. Never throws. */
  answer(conversationIds: readonly string[], log?: Logger): Promise<void>;
  /** One conversation until nothing is due; `worker` may name a claim the caller already holds. */
  answerOne(conversationId: string, options?: { worker?: string; log?: Logger }): Promise<void>;
}

/** Builds the processor on `deps`; the Graph client and the model once, the chain per call (its log). */
export function createProcessor(deps: Deps, o: ProcessorOverrides = {}): Processor {
  const { whatsapp, openai } = deps.config;
  const { accessToken, phoneNumberId, graphUrl } = whatsapp;
  const graph = chosen(
    o.graph,
    () =>
      accessToken && phoneNumberId
        ? createGraphClient({ graphUrl, phoneNumberId, accessToken, fetch: deps.fetch })
        : undefined,
  );
  const { apiKey, baseUrl, model: modelName } = openai;
  const { fetch, sleep, now } = deps;
  const model = chosen(
    o.model,
    () => apiKey ? createOpenAIModel({ apiKey, baseUrl, model: modelName, fetch, sleep, now }) : undefined,
  );
  const { speech } = deps.config;
  // The environment names the server and model; the settings (read per voice turn) may name others.
  const hearing = (s: { baseUrl?: string; model?: string } = {}) =>
    speech.apiKey
      ? createTranscriber({
        apiKey: speech.apiKey,
        baseUrl: s.baseUrl ?? speech.baseUrl,
        model: s.model ?? speech.model,
        fetch,
      })
      : undefined;
  const transcriber = chosen(o.transcriber, () => hearing());
  const voice = {
    transcriber,
    ...(o.transcriber === undefined ? { transcriberFor: hearing } : {}),
    maxBytes: speech.maxBytes,
    maxSeconds: speech.maxSeconds,
  };
  const build = (log: Logger): ProcessorDeps => {
    const agent = agentResponder({
      db: deps.db,
      flags: deps.flags,
      log,
      model,
      modelName,
      now: deps.now,
      today: o.today ?? (() => new Date()),
      menu: menuResponder(deps.db),
      onTurn: o.onAgentTurn,
    });
    // An operator's "YES 4821" is carried out in code before the agent or the menu sees the turn,
    // and alone when the turn is held (with staff, over the budget): nothing else answers then.
    // Staff's handoff commands (TAKE 12, DONE, BOT) and, while they hold one, their words to the
    // customer come first; their confirmations pass through to withConfirmations.
    // A typed STOP or START comes before everything, held turns included: it is always honoured.
    const d = { db: deps.db, log };
    const chain = withOptOut(d, withHandoff(d, withConfirmations(d, agent)));
    const confirm = withOptOut(
      d,
      withHandoff(d, withConfirmations(d, () => Promise.resolve({ messages: [], handoff: false }))),
    );
    return {
      db: deps.db,
      graph,
      flags: deps.flags,
      log,
      respond: o.respond ? o.respond(chain) : chain,
      confirm,
      slowDown: o.slowDown,
      humanNote: o.humanNote,
      voice,
      sleep: deps.sleep,
      now: deps.now,
    };
  };
  return {
    answer: (ids, log = deps.log) => processConversations(build(log), ids),
    answerOne: (id, { worker, log = deps.log } = {}) => processConversation(build(log), id, { worker }),
  };
}

/** The override when one is given (null: none), else what the configuration makes. */
function chosen<T>(override: T | null | undefined, configured: () => T | undefined): T | undefined {
  return override === undefined ? configured() : override ?? undefined;
}
