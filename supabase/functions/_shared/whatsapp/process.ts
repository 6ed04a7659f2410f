/**
 * Answers conversations after the webhook has acknowledged them: claim a turn, respond, put the
 * reply in the outbox, send the outbox in order, release. Every step is a guarded SQL function, so
 * a crash anywhere leaves work the next invocation (or the cron job) picks up, never a lost or
 * doubled reply.
 */
import { type OutboundMessage, type Responder, text, type Turn } from "../conversation/mod.ts";
import {
  type Claim,
  claimTurn,
  finishTurn,
  pendingConversations,
  relayToTaker,
  releaseClaim,
} from "../db/mod.ts";
import { ClaimLost } from "../errors.ts";
import { CLAIM_LEASE_SECONDS, INVOCATION_BUDGET_MS, MAX_TURNS_PER_CLAIM, PICKUP_BATCH } from "./constants.ts";
import { renewClaim } from "./claim.ts";
import { type OutboxDeps, sendOutbox } from "./outbox.ts";
import { humanNote, slowDownNote, voiceNote } from "./notes.ts";
import { splitText } from "./split.ts";
import { hearVoiceNotes, type VoiceDeps } from "./voice.ts";

/** What answering needs: what sending needs, the responder chain, the channel's notes, a clock. */
export interface ProcessorDeps extends OutboxDeps {
  respond: Responder;
  /** Only the operators' confirmations of a turn (YES, NO, APPROVE): carried out even when the turn is held. */
  confirm?: Responder;
  /** Notes sent when a sender is over the per-minute budget, by language (slowDownNote by default). */
  slowDown?: (language: string | null) => string;
  /** The note a customer writing to a conversation with staff gets once a day (humanNote by default). */
  humanNote?: (language: string | null) => string;
  /** Voice notes: the transcriber (none: the sender is asked to type) and the limits. */
  voice?: Pick<VoiceDeps, "transcriber" | "transcriberFor" | "maxBytes" | "maxSeconds">;
}

/** The longest transcript quoted back in "I heard: …". */
const HEARD_MAX_CHARS = 200;

/** Answers these conversations, then up to PICKUP_BATCH others with work left over. Never throws. */
export async function processConversations(
  d: ProcessorDeps,
  conversationIds: readonly string[],
): Promise<void> {
  const done = new Set<string>();
  const stopAt = d.now() + INVOCATION_BUDGET_MS;
  const run = async (id: string) => {
    done.add(id);
    if (done.size > 1 && d.now() >= stopAt) {
      d.log.info("whatsapp", "out of time: the conversation is left to the next invocation", {
        conversation_id: id,
      });
      return;
    }
    try {
      await processConversation(d, id, { stopAt });
    } catch (error) {
      if (error instanceof ClaimLost) {
        // This worker stopped before any effect; the one that holds the claim answers.
        d.log.warn("whatsapp", "the claim was lost; another worker answers", { conversation_id: id });
        return;
      }
      // The claim lapses and the cron job or the next invocation takes the work up again.
      d.log.error("whatsapp", "ERROR processing a conversation failed; it will be picked up again", {
        conversation_id: id,
        error,
      });
    }
  };
  for (const id of conversationIds) await run(id);
  try {
    const pending = await pendingConversations(d.db, { p_limit: PICKUP_BATCH });
    for (const id of pending.filter((id) => !done.has(id))) await run(id);
  } catch (error) {
    d.log.warn("whatsapp", "Cannot look for pending conversations", { error });
  }
}

/**
 * Claims one conversation and works until nothing is due, or returns at once if another worker has it.
 * `worker` may name a claim the caller already holds (the evals claim a conversation before they store
 * a message in it, so that no other worker answers it). No turn after the first starts past `stopAt`.
 */
export async function processConversation(
  d: ProcessorDeps,
  conversationId: string,
  { worker = crypto.randomUUID(), stopAt = Infinity }: { worker?: string; stopAt?: number } = {},
): Promise<void> {
  const ids = { p_conversation_id: conversationId, p_worker: worker };
  for (let turn = 0; turn < MAX_TURNS_PER_CLAIM && (turn === 0 || d.now() < stopAt); turn++) {
    const claim = await claimTurn(d.db, { ...ids, p_lease_seconds: CLAIM_LEASE_SECONDS });
    if (!claim.claimed) return;
    if (claim.messages.length) {
      await answerTurn(d, worker, toTurn(conversationId, claim, () => renewClaim(d, ids)), claim);
    }
    const outbox = await sendOutbox(d, conversationId, worker);
    if (await releaseClaim(d.db, { ...ids, p_force: outbox === "halted" })) return;
  }
  await releaseClaim(d.db, { ...ids, p_force: true });
}

/** The claim's messages as a turn of the conversation core: who writes, what they wrote. */
function toTurn(conversationId: string, claim: Taken, renew: () => Promise<void>): Turn {
  const { role, msisdn, language } = claim.sender;
  return {
    conversationId,
    sender: { role, msisdn, language },
    messages: claim.messages.map((m) => ({
      id: m.id,
      type: m.type,
      text: m.body,
      attempts: m.attempts,
      ...(m.reply_id ? { replyId: m.reply_id } : {}),
    })),
    renewClaim: renew,
  };
}

type Taken = Extract<Claim, { claimed: true }>;

async function answerTurn(d: ProcessorDeps, worker: string, turn: Turn, claim: Taken): Promise<void> {
  const last = claim.messages.at(-1)!;
  if (d.graph && await d.flags.isEnabled("WHATSAPP_INTEGRATION_ENABLED")) {
    const read = await d.graph.markRead(last.wa_message_id, true);
    if (!read.ok) {
      d.log.warn("whatsapp", "Cannot mark the message read", { code: read.code, title: read.title });
    }
  }
  if (claim.relaying) return await relayHeard(d, worker, turn);
  // With staff, the claim hands over messages for the day's note (and an operator's, for their
  // confirmations): the bot does not answer them. Over the budget, one note, then silence.
  // Nobody took the handoff in time: the customer was told when to expect a person, and the bot answers.
  const withStaff = claim.state === "human" && !claim.bot_meanwhile;
  const held = withStaff || claim.throttle !== "none";
  // What holds the turn holds the agent only: an operator's YES, NO and APPROVE are carried out.
  const confirmed = held && d.confirm ? (await d.confirm(turn)).messages.flatMap(forOutbox) : [];
  let replies: OutboundMessage[] = [...confirmed];
  let handoff = false;
  let reason: string | undefined;
  if (withStaff && !claim.human_noted) replies.push(text((d.humanNote ?? humanNote)(turn.sender.language)));
  else if (!withStaff && claim.throttle === "notify") {
    replies.push(text((d.slowDown ?? slowDownNote)(turn.sender.language)));
  } else if (!held) {
    const hearing = await hear(d, worker, turn);
    if ("note" in hearing) replies.push(text(hearing.note));
    else {
      const reply = await d.respond(hearing.turn);
      replies = [...heardLine(hearing.heard, reply.proposes, turn.sender.language), ...reply.messages]
        .flatMap(forOutbox);
      handoff = reply.handoff;
      reason = reply.handoffReason;
    }
  }
  await finishTurn(d.db, {
    p_conversation_id: turn.conversationId,
    p_worker: worker,
    p_message_ids: turn.messages.map((m) => m.id),
    p_outcome: (withStaff || claim.throttle === "silent") && confirmed.length === 0 ? "skipped" : "answered",
    p_messages: replies,
    p_handoff: handoff,
    ...(handoff && reason ? { p_handoff_reason: reason } : {}),
  });
  d.log.info("whatsapp", withStaff ? "turn noted for staff" : "turn answered", {
    conversation_id: turn.conversationId,
    messages: turn.messages.length,
    replies: replies.length,
    throttle: claim.throttle,
    handoff,
    role: turn.sender.role,
  });
}

/** The turn's voice notes heard with the processor's transcriber and limits. */
function hear(d: ProcessorDeps, worker: string, turn: Turn) {
  return hearVoiceNotes({ maxBytes: 0, maxSeconds: 0, ...d, ...d.voice }, worker, turn);
}

/**
 * A handoff someone took, and a voice note held the claim's relay: the turn's voice notes are heard (the
 * transcript stored as the body), then all of it goes to the taker in the customer's order. A note that
 * cannot be heard goes as a plain notice asking the taker to have them type; the bot says nothing.
 */
async function relayHeard(d: ProcessorDeps, worker: string, turn: Turn): Promise<void> {
  await hear(d, worker, turn);
  const relayed = await relayToTaker(d.db, { p_conversation_id: turn.conversationId });
  await finishTurn(d.db, {
    p_conversation_id: turn.conversationId,
    p_worker: worker,
    p_message_ids: turn.messages.map((m) => m.id),
    p_outcome: "answered",
    p_messages: [],
  });
  d.log.info("whatsapp", "turn relayed to staff", {
    conversation_id: turn.conversationId,
    messages: turn.messages.length,
    relayed,
  });
}

/** "I heard: …" in one line, when a spoken turn proposes an effect (confirmed only by a tap or typing). */
function heardLine(
  heard: string[],
  proposes: boolean | undefined,
  language: string | null,
): OutboundMessage[] {
  const said = heard.join(" ");
  if (!said || !proposes) return [];
  const quoted = said.length > HEARD_MAX_CHARS ? `${said.slice(0, HEARD_MAX_CHARS - 1)}…` : said;
  return [text(voiceNote("heard", language, { text: quoted }))];
}

/** A reply as the outbox stores it: a text split at WhatsApp's length limit, anything else as it is. */
function forOutbox(message: OutboundMessage): OutboundMessage[] {
  return message.type === "text" ? splitText(message.text).map(text) : [message];
}
