/**
 * A delivery of OpenAI's webhooks, verified: the openai SDK's `webhooks.unwrap` checks the Standard
 * Webhooks signature over the raw body with the whsec_ secret, and refuses a timestamp more than 5
 * minutes old (or ahead). Only then is the event read.
 */
import type OpenAI from "openai";
import { z } from "zod";

/** Why a delivery was refused (the SDK's reason: no secret or body in it). */
export class WebhookRefused extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WebhookRefused";
  }
}

/** The events voice-call reads; any other type is acknowledged and left alone. */
const CallIncoming = z.object({
  type: z.literal("realtime.call.incoming"),
  data: z.object({
    call_id: z.string().min(1).max(200),
    sip_headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  }),
});
export type CallEvent =
  | { type: "incoming"; callId: string; sipHeaders: { name: string; value: string }[] }
  | {
    type: "other";
    name: string;
  };

/** The delivery's id and event, or WebhookRefused. */
export async function verifyDelivery(
  client: OpenAI,
  body: string,
  headers: Headers,
  secret: string,
): Promise<{ webhookId: string; event: CallEvent }> {
  let raw: unknown;
  try {
    raw = await client.webhooks.unwrap(body, headers, secret, 300);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unreadable";
    throw new WebhookRefused(`Cannot verify the webhook: ${reason}`, { cause: error });
  }
  const webhookId = headers.get("webhook-id") ?? "";
  const incoming = CallIncoming.safeParse(raw);
  if (incoming.success) {
    const { call_id, sip_headers } = incoming.data.data;
    return { webhookId, event: { type: "incoming", callId: call_id, sipHeaders: sip_headers } };
  }
  const name = typeof raw === "object" && raw && "type" in raw ? String(raw.type) : "unknown";
  return { webhookId, event: { type: "other", name } };
}
