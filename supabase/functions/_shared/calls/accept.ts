/**
 * The one place the accept body of a voice call is built (POST /realtime/calls/{call_id}/accept, the
 * openai SDK's CallAcceptParams): the model, voice and answer limit from settings, instructions and a greeting in the
 * caller's language, and the voucher tools through voucher-mcp with the call's token. Voice never moves
 * money: only the customer's reads, the transfer to a person and, for an unknown caller, one WhatsApp
 * message inviting them to write are allowed. GPT-Live would be a second small adapter beside this one.
 */
import type { CallAcceptParams } from "openai/resources/realtime/calls";

/** The tool voucher-mcp is to offer to put the caller through to the human line (issue 17 §2). */
export const TRANSFER_TOOL = "transfer_to_human";
/** The tool voucher-mcp offers an unknown caller: one WhatsApp message to their number (issue 17 §1). */
export const REACH_TOOL = "send_whatsapp_message";

const GREETING: Record<string, string> = {
  rw: "Muraho! Murakoze guhamagara. Nabafasha iki uyu munsi?",
  en: "Hello, thank you for calling. How can I help you today?",
  fr: "Bonjour, merci de votre appel. Comment puis-je vous aider ?",
  sw: "Habari, asante kwa kupiga simu. Nikusaidie nini leo?",
};
const LANGUAGE: Record<string, string> = { rw: "Kinyarwanda", en: "English", fr: "French", sw: "Swahili" };

/**
 * The instructions of a call: who the assistant is, the language, the limits, the greeting; `reach`:
 * an unknown caller may be sent a WhatsApp message (REACH_TOOL is offered).
 */
export function callInstructions(language: string, knownCaller: boolean, reach = false): string {
  const lang = LANGUAGE[language] ? language : "rw";
  return [
    `You answer phone calls for a voucher business in Rwanda. Speak ${
      LANGUAGE[lang]
    } unless the caller speaks another language; keep answers short and plain, amounts in RWF.`,
    knownCaller
      ? "The caller's number matches a customer: you may read their profile and vouchers with the tools, and nobody else's."
      : reach
      ? `The caller's number matches no customer: give general help. For anything about their account, they must write to us on WhatsApp from the number their vouchers are on. Offer to send a WhatsApp message to the number they are calling from, inviting them to write; if they agree, use ${REACH_TOOL} (one message per call).`
      : "The caller's number matches no customer: give general help. For anything about their account, ask them to write to us first on WhatsApp, from the number their vouchers are on: we cannot write to them, since we do not know their number.",
    "You cannot create, redeem or void vouchers by phone: say that these happen on WhatsApp with an operator.",
    `When the caller asks for a person, use ${TRANSFER_TOOL}.`,
    `Start the call by saying: "${GREETING[lang]}"`,
  ].join("\n");
}

/** The accept body for one call. */
export function acceptBody(options: {
  callId: string;
  /** The caller's customer number; null for a number that matches no customer. */
  msisdn: string | null;
  model: string;
  voice: string;
  /** The session's limit on one spoken answer (voice_max_output_tokens). */
  maxOutputTokens: number | "inf";
  language: string;
  mcpUrl: string;
  token: string;
  /** What voucher-mcp offers this call (mcp/ listedTools: the reads, the transfer, the WhatsApp offer). */
  tools: readonly string[];
}): CallAcceptParams {
  // voucher-mcp checks the token against ?call_id= too (its binding to this call).
  const serverUrl = `${options.mcpUrl}?call_id=${encodeURIComponent(options.callId)}`;
  return {
    type: "realtime",
    model: options.model,
    instructions: callInstructions(
      options.language,
      options.msisdn !== null,
      options.tools.includes(REACH_TOOL),
    ),
    audio: { output: { voice: options.voice } },
    max_output_tokens: options.maxOutputTokens,
    tools: [{
      type: "mcp",
      server_label: "vouchers",
      server_url: serverUrl,
      headers: { Authorization: `Bearer ${options.token}` },
      allowed_tools: [...options.tools],
      require_approval: "never",
    }],
  };
}
