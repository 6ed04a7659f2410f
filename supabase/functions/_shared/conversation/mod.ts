/**
 * The conversation core, neutral of any channel: a turn (who writes, what they wrote), the reply
 * (outbound messages as data) and the responder between them. WhatsApp is one adapter of it
 * (whatsapp/); agent/, menu/ and vouchers/ are responders.
 */
export {
  buttons,
  type Choice,
  choicesOf,
  joinTexts,
  list,
  type ListRow,
  OutboundMessage,
  plainText,
  type TemplateMessage,
  text,
} from "./outbound.ts";
export { answerThenNext } from "./turn.ts";
export type { Reply, Responder, Role, Sender, Turn, TurnMessage } from "./turn.ts";
