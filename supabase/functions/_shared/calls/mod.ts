/** Voice calls: answering the calls OpenAI offers (voice-call), and the per-call token voucher-mcp checks. */
export { acceptBody, callInstructions, REACH_TOOL, TRANSFER_TOOL } from "./accept.ts";
export { answerCall, CALL_TOKEN_TTL_SECONDS, type CallAnswer, type CallDeps } from "./answer.ts";
export { callerNumber, type SipHeader } from "./sip.ts";
export { CallClaims, mintCallToken, type TokenRefusal, verifyCallToken } from "./token.ts";
export { type CallEvent, verifyDelivery, WebhookRefused } from "./webhook.ts";
