/** The agent's SQL functions: the transcript it remembers, and the audit of its model and tool calls. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

const TranscriptItem = z.discriminatedUnion("kind", [
  z.looseObject({ kind: z.enum(["user", "assistant"]), type: z.string(), text: z.string().nullable() }),
  /** A message the business started (a staff alert, an approval request, a receipt): never the assistant's words. */
  z.looseObject({
    kind: z.literal("notice"),
    purpose: z.string(),
    type: z.string(),
    text: z.string().nullable(),
  }),
  z.looseObject({
    kind: z.literal("tool"),
    call_id: z.string(),
    tool: z.string(),
    arguments: z.unknown(),
    output: z.unknown(),
  }),
]);
/** One item of the transcript: a message in, a reply, a notice the business sent, or a tool call with its output. */
export type TranscriptItem = z.infer<typeof TranscriptItem>;

/** The conversation before this turn, oldest first, in the caller's present role. */
export const agentTranscript = rpc("agent_transcript", z.array(TranscriptItem));
/** Audits one tool call (arguments scrubbed by the caller). */
export const recordToolCall = rpc("agent_record_tool_call");
/** Records one model call, ok or not. */
export const recordModelCall = rpc("agent_record_model_call");
/** Records the seconds of one transcribed voice note: its cost, and what it takes from the AI budget. */
export const recordTranscriptionUsage = rpc("agent_record_transcription");
/** Whether today's (Kigali) OpenAI spend reached ai_daily_budget_usd: the menu answers until midnight in Kigali. */
export const aiBudgetSpent = rpc("ai_budget_spent", z.boolean());
