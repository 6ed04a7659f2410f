/**
 * transfer_to_human: the one voice-only tool, offered to per-call tokens and never to agents. The
 * caller asked for a person: voice_call_transfer decides once per call (SQL); with a human line the
 * call is referred there through OpenAI's call control, and without one, or when the refer fails, the
 * caller is followed up on WhatsApp with a handoff and a staff alert. The model is told what to say.
 * Not a chat tool (tools/): it acts on the call, which only voucher-mcp's caller has.
 */
import { TRANSFER_TOOL } from "../calls/mod.ts";
import { type Db, voiceCallTransfer } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import type { McpTool } from "./sdk.ts";
import { auditCallTool } from "./tools.ts";

/** Refers call `callId` to `targetUri` (POST /realtime/calls/{call_id}/refer); throws when OpenAI refuses. */
export type Refer = (callId: string, targetUri: string) => Promise<void>;

/** How tools/list declares it: no arguments, since the call and the caller come from the token. */
export const transferTool: McpTool = {
  name: TRANSFER_TOOL,
  description:
    "Puts the caller through to a person from the team. Use when the caller asks for a person, or you cannot help. Say the sentence it returns, then stop.",
  inputSchema: { type: "object", properties: {}, additionalProperties: false },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
};

const SAY = {
  referred: "I am putting you through to a person from our team now. Please hold.",
  followedUp:
    "Nobody can take the call now. We will message you on WhatsApp, and a person will answer you there. " +
    "Thank you for calling, goodbye.",
  unknown:
    "Nobody can take the call now. Please write to us on WhatsApp and a person will answer you there. " +
    "Thank you for calling, goodbye.",
};

/**
 * How long the model has to say the sentence before the call is referred: a refer moves the caller
 * off the session, so what the model has not said by then is lost.
 */
export const REFER_DELAY_MS = 4_000;

interface TransferContext {
  db: Db;
  log: Logger;
  now: () => number;
  /** Work after the answer (the refer), and how it waits. */
  waitUntil: (promise: Promise<unknown>) => void;
  sleep: (ms: number) => Promise<void>;
  /** Absent when OPENAI_API_KEY is not set: every transfer is then a follow-up. */
  refer?: Refer;
}

type Caller = { call: string; msisdn: string | null };

/**
 * Runs the transfer for the call and caller of a verified call token; audited as the chat's calls
 * are. A referred call is referred after the answer, once the model had time to say so; a refer
 * OpenAI refuses becomes the WhatsApp follow-up then.
 */
export async function runTransfer(
  ctx: TransferContext,
  call: Caller,
): Promise<{ success: boolean; output: unknown }> {
  const started = ctx.now();
  const fields = { call_id: call.call, caller: call.msisdn ? "customer" : "unknown" };
  let success = true;
  let output: unknown;
  try {
    let decided = await voiceCallTransfer(ctx.db, transferArgs(call, false));
    if (!decided.duplicate && decided.transfer === "referred" && decided.target_uri) {
      if (ctx.refer) ctx.waitUntil(referLater(ctx, ctx.refer, call, decided.target_uri));
      else {
        ctx.log.error(
          "voice_call",
          "ERROR OPENAI_API_KEY is not set: voucher-mcp cannot refer calls",
          fields,
        );
        decided = await voiceCallTransfer(ctx.db, transferArgs(call, true));
      }
    }
    const referred = decided.transfer === "referred";
    if (!referred && !call.msisdn) {
      ctx.log.warn(
        "voice_call",
        "An unknown caller asked for a person and no line took it: nobody to write to",
        fields,
      );
    }
    ctx.log.info("voice_call", `A caller asked for a person: ${decided.transfer}`, {
      ...fields,
      duplicate: decided.duplicate,
    });
    output = {
      transferred: referred,
      say: referred ? SAY.referred : call.msisdn ? SAY.followedUp : SAY.unknown,
    };
  } catch (error) {
    success = false;
    ctx.log.error("voice_call", "ERROR Cannot record a caller's ask for a person", { ...fields, error });
    output = { error: "unavailable", message: "The transfer is not available now", say: SAY.unknown };
  }
  await auditCallTool(ctx, { tool: TRANSFER_TOOL, call: call.call, started, success, output });
  return { success, output };
}

function transferArgs(call: Caller, referFailed: boolean) {
  return {
    p_call_id: call.call,
    ...(call.msisdn ? { p_msisdn: call.msisdn } : {}),
    ...(referFailed ? { p_refer_failed: true } : {}),
  };
}

async function referLater(
  ctx: TransferContext,
  refer: Refer,
  call: Caller,
  targetUri: string,
): Promise<void> {
  await ctx.sleep(REFER_DELAY_MS);
  try {
    await refer(call.call, targetUri);
  } catch (error) {
    ctx.log.error(
      "voice_call",
      "ERROR OpenAI refused the refer to the human line: following up on WhatsApp",
      {
        call_id: call.call,
        error,
      },
    );
    await voiceCallTransfer(ctx.db, transferArgs(call, true)).catch((e) =>
      ctx.log.error("voice_call", "ERROR Cannot follow up a caller whose refer failed", {
        call_id: call.call,
        error: e,
      })
    );
  }
}
