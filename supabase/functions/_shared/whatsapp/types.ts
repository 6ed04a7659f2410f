/** The WhatsApp channel's own vocabulary: what arrives from Meta, normalised, and what sending returns. */

/** Who wrote: a phone-number user (wa_id), a username user (business-scoped user id), or both. */
export interface WaUser {
  /** Meta's wa_id / messages[].from: digits of the phone number, when Meta shares it. */
  waId?: string;
  /** The business-scoped user id (BSUID, e.g. "RW.1502576394655843"): contacts[].user_id / from_user_id. */
  userId?: string;
  username?: string;
  profileName?: string;
}

/** One inbound message, every type Meta sends, with what matters of it; `raw` keeps all of it. */
export interface InboundMessage {
  waMessageId: string;
  /** metadata.phone_number_id of the business number it was sent to. */
  phoneNumberId: string;
  sender: WaUser;
  /** As Meta named it: text, interactive, button, location, image, audio, video, document, sticker,
   * reaction, contacts, system, unsupported, or a type not known yet (kept as it is). */
  type: string;
  /** The words a responder reads: text body, media caption, button or list reply title. */
  text?: string;
  media?: { id: string; mimeType?: string; sha256?: string; caption?: string; filename?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** Interactive button/list replies and template quick-reply buttons. */
  reply?: {
    kind: "button_reply" | "list_reply" | "quick_reply";
    id?: string;
    title: string;
    description?: string;
  };
  reaction?: { messageId: string; emoji?: string };
  /** The message this one replies to, if any. */
  contextMessageId?: string;
  /** When Meta says it was sent; absent when the body held no time a clock can read. */
  timestamp?: Date;
  /** The message object exactly as received, unknown fields included. */
  raw: Record<string, unknown>;
  /** Where it was in the body, e.g. entry[0].changes[0].value.messages[0]. */
  path?: string;
}

export type DeliveryStatus = "sent" | "delivered" | "read" | "failed";

/** A delivery status for a message the business sent. */
export interface StatusUpdate {
  waMessageId: string;
  /** sent, delivered, read, failed, or another value Meta may add (kept, never applied). */
  status: string;
  timestamp?: Date;
  recipient: WaUser;
  /** biz_opaque_callback_data echoed back: the outbox row id the send carried. */
  callbackData?: string;
  errors: MetaError[];
  raw: Record<string, unknown>;
  path?: string;
}

/** An element of a webhook body that is stored as an event instead: unreadable, or another number's. */
export interface Rejected {
  kind: "invalid" | "foreign";
  /** Where it was, e.g. entry[0].changes[0].value.messages[1]. */
  path: string;
  /** What is wrong with it, e.g. "id is missing". */
  reason: string;
  value: unknown;
}

export interface MetaError {
  code: number;
  title?: string;
  message?: string;
  details?: string;
}

/** Everything one webhook POST carried. */
export interface WebhookBatch {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  /** Top-level `errors[]` of a change value: logged. */
  errors: MetaError[];
  /** `field`s other than "messages" (kept and logged, not processed). */
  otherFields: { field: string; value: unknown }[];
  /** Elements that could not be read, or belong to another business number: kept as events. */
  rejected: Rejected[];
  /** Set when the body holds nothing for us (another `object`, not an object): stored, not read. */
  ignored?: string;
}

/** Where a reply goes: the phone number when known, else the business-scoped user id. */
export interface Recipient {
  waId?: string;
  userId?: string;
}

/** What one Graph API call came to. `kind` decides what happens to the outbox row. */
export type SendResult =
  | { ok: true; waMessageId: string }
  | {
    ok: false;
    /** retry: soon, with backoff (429, 5xx, network, timeout); backoff: later (Meta rate limits
     * 130429, 131056); auth: the token is bad (190), retried later once fixed; fatal: never (131047, 100, ...). */
    kind: "retry" | "backoff" | "auth" | "fatal";
    httpStatus?: number;
    code?: number;
    title: string;
    /** From Retry-After, when the answer had one. */
    retryAfterMs?: number;
  };
