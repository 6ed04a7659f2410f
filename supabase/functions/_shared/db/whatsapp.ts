/** The WhatsApp channel's SQL functions: intake, replay, the conversation's claim, the turn, the outbox. */
import { z } from "zod";
import { OutboundMessage, type TemplateMessage } from "../conversation/mod.ts";
import { rpc } from "./_rpc.ts";

const Refused = z.looseObject({ path: z.string().nullable(), reason: z.string() });

const IngestResult = z.looseObject({
  conversation_ids: z.array(z.string()),
  inserted: z.number(),
  duplicates: z.number(),
  statuses: z.number(),
  /** Elements the database refused (a wa_id that is not digits, ...): kept as invalid events. Absent when none. */
  refused: z.array(Refused).optional(),
});
/** What storing a batch came to: the conversations with work, and counts. */
export type IngestResult = z.infer<typeof IngestResult>;

const Received = IngestResult.partial().extend({
  payload_id: z.number(),
  /** The SQLSTATE when the elements could not be stored for a reason a retry would not clear. */
  ingest_error: z.string().optional(),
});
/** What whatsapp_receive answers: the payload's id, and what its elements became when it was read. */
export type Received = z.infer<typeof Received>;

const Replayed = Received.extend({
  /** The body's outcome when it was no longer received (another replay took it), or "not found". */
  skipped: z.string().optional(),
  /** The outcome the parser now gives a body it reads as nothing to store (unparsed, ignored). */
  outcome: z.string().optional(),
});
/** What a replay came to for one body: as whatsapp_receive answers, or why it was skipped. */
export type Replayed = z.infer<typeof Replayed>;

/** Stores a webhook body and, when it was read, its elements: one call, one transaction. */
export const receiveWebhookBody = rpc("whatsapp_receive", Received);
/** Stores a batch that has no raw body (evals and benchmarks build theirs). */
export const ingestBatchRows = rpc("whatsapp_ingest", IngestResult);
/** The bodies still `received`, oldest first, their bytes in base64. */
export const payloadsToReplay = rpc(
  "whatsapp_payloads_to_replay",
  z.array(z.looseObject({ id: z.number(), body: z.string() })),
);
/** Reads one kept body's elements again, under the row's lock. */
export const replayPayload = rpc("whatsapp_replay_payload", Replayed);

const Sender = z.looseObject({
  wa_id: z.string().nullable(),
  user_id: z.string().nullable(),
  msisdn: z.string().nullable(),
  role: z.enum(["customer", "operator"]),
  language: z.string().nullable(),
});

const Claim = z.discriminatedUnion("claimed", [
  z.looseObject({ claimed: z.literal(false) }),
  z.looseObject({
    claimed: z.literal(true),
    /** human: staff have the conversation, and the turn only earns the day's note. */
    state: z.enum(["bot", "human"]),
    /** human, and the day's note was sent: only an operator's confirmations are answered. */
    human_noted: z.boolean().optional(),
    /** human, but nobody took the handoff in time: the bot answers meanwhile. */
    bot_meanwhile: z.boolean().optional(),
    /** human, and someone took the handoff: the turn's messages are relayed to them once its voice notes are heard. */
    relaying: z.boolean().optional(),
    throttle: z.enum(["none", "notify", "silent"]),
    /** The messages waiting when the claim was taken, oldest first; `attempts` counts this turn too. */
    messages: z.array(z.looseObject({
      id: z.string(),
      type: z.string(),
      body: z.string().nullable(),
      wa_message_id: z.string(),
      attempts: z.number(),
      /** The id a tapped button or picked row carries; null for other messages. */
      reply_id: z.string().nullish(),
    })),
    sender: Sender,
  }),
]);
/** What whatsapp_claim_turn hands over: nothing (another worker has it), or the turn. */
export type Claim = z.infer<typeof Claim>;

/** Claims the conversation for this worker and takes the messages waiting in it. */
export const claimTurn = rpc("whatsapp_claim_turn", Claim);
/** Extends the worker's claim; ClaimLost when it has lapsed. */
export const renewClaim = rpc("whatsapp_renew_claim");
/** Releases the claim; true when nothing is due any more (or `p_force`). */
export const releaseClaim = rpc("whatsapp_release");
/** Marks the turn's messages answered (or skipped) and puts its replies in the outbox. */
export const finishTurn = rpc("whatsapp_finish_turn");
/** Conversations with work left over (a lapsed claim, a reply due). */
export const pendingConversations = rpc("whatsapp_pending_conversations");

/** The template a row is sent as outside the 24-hour window, stored as {name, language, parameters}. */
const Template = z.looseObject({ name: z.string(), language: z.string(), parameters: z.array(z.string()) })
  .transform(({ name, language, parameters }): TemplateMessage => ({
    type: "template",
    name,
    language,
    parameters,
  }));

const OutboxItem = z.looseObject({
  id: z.string(),
  /** The reply as data: what the responder answered (a row written before payloads, its text). */
  message: OutboundMessage,
  attempts: z.number(),
  wa_id: z.string().nullable(),
  user_id: z.string().nullable(),
  template: Template.nullable(),
  /** The business started it (not a reply): outside the window it goes only as its approved template. */
  template_required: z.boolean().optional(),
  /** The recipient wrote in the last 24 hours: free-form text reaches them. */
  window_open: z.boolean(),
  /** The rows whose texts this send carries (merged while they waited), recorded with it. */
  merged: z.array(z.string()).optional(),
});
/** The outbox row to send now, with its recorded recipient and how it may be sent. */
export type OutboxItem = z.infer<typeof OutboxItem>;

/** The oldest unsent reply (marked sending), `{wait_until}` when it must wait (with `wait_ms` when the
 * pair gap holds it), null when the outbox is empty. */
export const nextOutbox = rpc(
  "whatsapp_next_outbox",
  z.union([z.looseObject({ wait_until: z.string(), wait_ms: z.number().optional() }), OutboxItem]).nullable(),
);
/** Records a send: sent (with Meta's id), failed, or retry after a delay. */
export const recordSend = rpc("whatsapp_record_send");
/** Raises the alarm that Meta refused the access token. */
export const setAuthError = rpc("whatsapp_set_auth_error");

/** A voice note's audio {id, mime_type}, for the worker holding the claim; null otherwise. */
export const voiceNoteMedia = rpc(
  "whatsapp_voice_note_media",
  z.looseObject({ id: z.string(), mime_type: z.string().nullable() }).nullable(),
);
/** Stores a voice note's transcript as its body; false when the worker no longer holds the claim. */
export const storeTranscript = rpc("whatsapp_store_transcript");
