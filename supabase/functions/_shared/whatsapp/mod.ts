/**
 * The WhatsApp channel, one adapter of the conversation core: Meta's webhook (signature, durable
 * intake, replay), the processor that answers conversations (createProcessor, the one composition
 * root), the outbox, the Graph API client and Meta's send body (wire.ts, which the fakes decode with).
 */
export * from "./constants.ts";
export {
  classifyGraphFailure,
  createGraphClient,
  type GraphClient,
  type MediaResult,
  OUTSIDE_WINDOW,
} from "./graph.ts";
export { ingestBatch, type ReadBody, readWebhookBody, receiveWebhook, replayPayloads } from "./intake.ts";
export { humanNote, slowDownNote } from "./notes.ts";
export { parseWebhook } from "./payload.ts";
export { createProcessor, type Processor, type ProcessorOverrides } from "./processor.ts";
export { signBody, verifySignature } from "./signature.ts";
export { MAX_TEXT_LENGTH, splitText } from "./split.ts";
export type { InboundMessage, Recipient, SendResult, WebhookBatch } from "./types.ts";
export { decodeSend, encodeSend, ReadBody as ReadReceiptBody, SendBody } from "./wire.ts";
