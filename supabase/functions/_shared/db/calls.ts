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
    }),
  ]),
);
export type VoiceCallOffer = Awaited<ReturnType<typeof voiceCallOffer>>;

/** Records whether OpenAI took the answer (accept, refer, reject) and how long it took. */
export const voiceCallAnswered = rpc("voice_call_answered");
