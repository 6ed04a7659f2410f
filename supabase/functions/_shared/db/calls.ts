/** Voice calls: deciding a call OpenAI offers, and recording how the answer went. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

/** What voice_call_offer decided: a redelivery (duplicate), or the decision with what it needs. */
export const voiceCallOffer = rpc(
  "voice_call_offer",
  z.discriminatedUnion("duplicate", [
    z.object({
      duplicate: z.literal(true),
      decision: z.enum(["accept", "refer", "reject"]),
      outcome: z.string(),
    }),
    z.object({
      duplicate: z.literal(false),
      decision: z.enum(["accept", "refer", "reject"]),
      reason: z.enum(["switched_off", "closed", "busy"]).nullable(),
      target_uri: z.string().nullable(),
      customer_id: z.string().nullable(),
      language: z.string(),
      model: z.string(),
      voice: z.string(),
      max_output_tokens: z.union([z.number().int().positive(), z.literal("inf")]),
    }),
  ]),
);
export type VoiceCallOffer = Awaited<ReturnType<typeof voiceCallOffer>>;

/** Records whether OpenAI took the answer (accept, refer, reject) and how long it took. */
export const voiceCallAnswered = rpc("voice_call_answered");

/**
 * A caller asked for a person (voucher-mcp's transfer_to_human), once per call: referred (the caller
 * of this refers the call to target_uri) or followed_up (a WhatsApp message, a handoff, a staff alert).
 */
export const voiceCallTransfer = rpc(
  "voice_call_transfer",
  z.object({
    duplicate: z.boolean(),
    transfer: z.enum(["referred", "followed_up"]),
    target_uri: z.string().nullable(),
    followup_queued: z.boolean().optional(),
    handoff: z.boolean().optional(),
    alerts: z.number().int().optional(),
  }),
);

/**
 * An unknown caller asked for a WhatsApp message (voucher-mcp's send_whatsapp_message), once per call:
 * queued false when the number opted out, duplicate when it was asked for before in the call.
 */
export const voiceCallWhatsapp = rpc(
  "voice_call_whatsapp",
  z.object({ duplicate: z.boolean(), queued: z.boolean() }),
);
