/**
 * Meta's Graph API protocol as the fake (graph_fake.ts) speaks it: a request body read with
 * whatsapp/wire.ts (a read receipt, or a send decoded to its OutboundMessage), Meta's error bodies,
 * and the answers to scripted failures.
 */
import { z } from "zod";
import { type OutboundMessage, plainText } from "../_shared/conversation/mod.ts";
import { isObject } from "../_shared/json.ts";
import { decodeSend, ReadReceiptBody, SendBody } from "../_shared/whatsapp/mod.ts";

/** One scripted failure: a bare HTTP status, a Meta error code, a late answer, or none at all. */
export type FakeFailure =
  | { status: number; retryAfter?: number }
  | { metaCode: number; status?: number; retryAfter?: number }
  | { delayMs: number }
  | { hang: true };

const TRACE = "AFakeTraceId0123456789";

/** Meta's message and details for the codes tests use; others get a generic "(#code)" message. */
const META_ERRORS: Record<number, [string, string?]> = {
  131047: [
    "(#131047) Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
  ],
  // Meta's opt-out of business messages: never retried; the outbox opts the person out (outbox.sql).
  131050: [
    "(#131050) Unable to deliver the message",
    "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
  ],
  130429: ["(#130429) Rate limit hit", "Cloud API message throughput has been reached."],
  131056: [
    "(#131056) (Business Account, Consumer Account) pair rate limit hit",
    "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
  ],
  190: ["Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT."],
  100: ["(#100) Invalid parameter"],
  131026: ["(#131026) Message undeliverable", "Unable to deliver message."],
  131000: ["(#131000) Something went wrong", "Message failed to send due to an unknown error."],
  133004: ["(#133004) Server temporarily unavailable"],
  80007: ["(#80007) Rate limit issues", "The WhatsApp Business Account has reached its rate limit."],
  4: ["(#4) Application request limit reached"],
  10: ["(#10) Application does not have permission for this action"],
};
const DEFAULT_STATUS: Record<number, number> = { 190: 401, 130429: 429, 131000: 500, 133004: 503 };

/** Meta's error body for a code, as the Cloud API answers it. */
export function metaErrorBody(code: number, details?: string): { error: Record<string, unknown> } {
  const [message, known] = META_ERRORS[code] ?? [`(#${code}) Fake Graph API error`];
  const error: Record<string, unknown> = { message, type: "OAuthException", code };
  if (code === 190) error.error_subcode = 463;
  else error.error_data = { messaging_product: "whatsapp", details: details ?? known ?? message };
  error.fbtrace_id = TRACE;
  return { error };
}

/** Meta's answer to a token it cannot use: 401, OAuthException code 190. */
export function tokenRefused(): Response {
  const error = { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException" };
  return Response.json({ error: { ...error, code: 190, fbtrace_id: TRACE } }, { status: 401 });
}

/** Meta's answer for an object id that does not exist or this token may not reach: code 100, subcode 33. */
export function noSuchObject(method: "get" | "post", id: string): Response {
  const message = `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be ` +
    "loaded due to missing permissions, or does not support this operation.";
  const error = { message, type: "GraphMethodException", code: 100, error_subcode: 33 };
  return Response.json({ error: { ...error, fbtrace_id: TRACE } }, { status: 400 });
}

/** Meta's answer to GET /{phone-number-id}?fields=...: the fields asked for (id always). */
export function phoneNumberAnswer(id: string, query: URLSearchParams): Response {
  const node: Record<string, string> = {
    id,
    display_phone_number: "+250 788 000 000",
    verified_name: "Voucher Shop",
    quality_rating: "GREEN",
    platform_type: "CLOUD_API",
    code_verification_status: "VERIFIED",
  };
  const fields = (query.get("fields") ?? "verified_name,code_verification_status,display_phone_number," +
      "quality_rating,platform_type").split(",").map((f) => f.trim());
  return Response.json(
    Object.fromEntries(Object.entries(node).filter(([k]) => k === "id" || fields.includes(k))),
  );
}

/** Meta's 400 for a request it cannot take (code 100, `details` saying why). */
export function invalidParameter(details: string): Response {
  return Response.json(metaErrorBody(100, details), { status: 400 });
}

/** The answer to a scripted status or Meta code, with Retry-After when the script gives one. */
export function failureAnswer(
  failure: { status?: number; metaCode?: number; retryAfter?: number },
): Response {
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers["Retry-After"] = String(failure.retryAfter);
  if (failure.metaCode === undefined) {
    // A bare status answers as a proxy or load balancer would: no Meta error body.
    return new Response(`fake status ${failure.status}`, { status: failure.status ?? 500, headers });
  }
  const status = failure.status ?? DEFAULT_STATUS[failure.metaCode] ?? 400;
  return Response.json(metaErrorBody(failure.metaCode), { status, headers });
}

/** Meta's pair rate limit, when a test turns it on: a send to a recipient within `gapMs` of the last
 * one accepted for them is refused with 131056. */
export function createPairRate() {
  const last = new Map<string, number>();
  let gapMs: number | undefined;
  return {
    set(ms: number) {
      gapMs = ms;
    },
    /** Meta's 131056 answer when this send comes too soon after the last one to `recipient`. */
    refusal(recipient: string, at: number): Response | undefined {
      const previous = last.get(recipient);
      if (gapMs === undefined || previous === undefined || at - previous >= gapMs) return undefined;
      return failureAnswer({ metaCode: 131056 });
    },
    accepted(recipient: string, at: number) {
      last.set(recipient, at);
    },
  };
}

/** What a valid send body says, read with wire.ts: to whom, the message, and what a person reads of it. */
export interface FakeSend {
  /** The wa_id it went to, or (`recipient`) the business-scoped user id of a username user. */
  to?: string;
  recipient?: string;
  message: OutboundMessage;
  /** plainText(message): a text's words, a template's parameters. */
  body: string;
  callbackData?: string;
}

/** A request body as the fake reads it. */
export type Decoded =
  | { problem: string }
  | { read: { messageId: string; typing: boolean }; send?: undefined }
  | { send: FakeSend; read?: undefined };

/** A body as Meta reads it (wire.ts's schemas): a read receipt, a send, or why it is neither. */
export function decode(contentType: string | null, body: unknown): Decoded {
  if (!contentType?.startsWith("application/json")) return { problem: `Content-Type is ${contentType}` };
  if (!isObject(body)) return { problem: "body is not a JSON object" };
  if ("status" in body) {
    const read = ReadReceiptBody.safeParse(body);
    if (!read.success) return { problem: z.prettifyError(read.error) };
    return { read: { messageId: read.data.message_id, typing: read.data.typing_indicator !== undefined } };
  }
  const parsed = SendBody.safeParse(body);
  if (!parsed.success) return { problem: z.prettifyError(parsed.error) };
  const { to, message, callbackData } = decodeSend(parsed.data);
  const address = to.waId ? { to: to.waId } : { recipient: to.userId };
  return {
    send: { ...address, message, body: plainText(message), ...(callbackData ? { callbackData } : {}) },
  };
}

/** A request body as JSON, or its raw text when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
