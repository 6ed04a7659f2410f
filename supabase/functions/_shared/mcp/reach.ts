/**
 * send_whatsapp_message: offered only to a voice call whose caller's number matched no customer and
 * whose token names that number (`reach`). We cannot write to such a caller otherwise; with this, one
 * WhatsApp message per call (voice_call_whatsapp, SQL) invites them to write to us. Caller ID can be
 * spoofed, so it is one message, a missed_call one (its template, none to a number that opted out).
 */
import { REACH_TOOL } from "../calls/mod.ts";
import { type Db, voiceCallWhatsapp } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import type { McpTool } from "./sdk.ts";
import { auditCallTool } from "./tools.ts";

/** How tools/list declares it: no arguments, since the call and the number come from the token. */
export const reachTool: McpTool = {
  name: REACH_TOOL,
  description:
    "Sends the caller one WhatsApp message, to the number they call from, inviting them to write to us there. Use when the caller agrees to it. Say the sentence it returns.",
  inputSchema: { type: "object", properties: {}, additionalProperties: false },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
};

const SAY = {
  sent: "We have sent you a WhatsApp message: answer it there and we will help you.",
  again: "The WhatsApp message was already sent during this call: answer it there and we will help you.",
  notSent: "We could not send a WhatsApp message to this number. You can write to us on WhatsApp yourself.",
  unavailable: "We cannot send a WhatsApp message now. Please write to us on WhatsApp.",
};

/** Queues the message for the call and number of a verified call token; audited as chat calls are. */
export async function runReach(
  ctx: { db: Db; log: Logger; now: () => number },
  call: { call: string; reach: string },
): Promise<{ success: boolean; output: unknown }> {
  const started = ctx.now();
  let success = true;
  let output: unknown;
  try {
    const queued = await voiceCallWhatsapp(ctx.db, { p_call_id: call.call, p_wa_id: call.reach.slice(1) });
    ctx.log.info("voice_call", "An unknown caller asked for a WhatsApp message", {
      call_id: call.call,
      ...queued,
    });
    output = {
      sent: queued.queued,
      say: queued.duplicate ? SAY.again : queued.queued ? SAY.sent : SAY.notSent,
    };
  } catch (error) {
    success = false;
    ctx.log.error("voice_call", "ERROR Cannot queue an unknown caller's WhatsApp message", {
      call_id: call.call,
      error,
    });
    output = {
      error: "unavailable",
      message: "The WhatsApp message is not available now",
      say: SAY.unavailable,
    };
  }
  await auditCallTool(ctx, { tool: REACH_TOOL, call: call.call, started, success, output });
  return { success, output };
}
