/** A turn and its reply: what a channel hands the responders, and what they answer. */
import { joinTexts, type OutboundMessage } from "./outbound.ts";

/** Customers ask about their own vouchers; operators (staff) look anyone up and change vouchers. */
export type Role = "customer" | "operator";

/** Who is writing: their role, their number when the channel shares it, the language on file. */
export interface Sender {
  role: Role;
  /** E.164, or null for a sender whose number the channel does not share (a WhatsApp username). */
  msisdn: string | null;
  /** customers.preferred_language, when known. */
  language: string | null;
}

/** One message of a turn, as stored: its row id, its kind, the words in it. */
export interface TurnMessage {
  id: string;
  /** text, interactive, button, image, audio, location, ... as the channel named it. */
  type: string;
  /** The words a responder reads (a text's body, a caption, a button's title, a voice note's
   * transcript); null when none. */
  text: string | null;
  /** The id a tapped button or picked list row carries (interactive or quick-reply `button` messages). */
  replyId?: string;
  /** How many turns have taken the message, this one included (earlier ones failed); 1 when absent. */
  attempts?: number;
}

/** The messages a sender wrote since the last answer, oldest first, to be answered together. */
export interface Turn {
  conversationId: string;
  sender: Sender;
  messages: TurnMessage[];
  /** Extends this worker's hold on the conversation; throws ClaimLost when another worker has it, so
   * a responder calls it before every model call and every effect, and stops when it lost the turn. */
  renewClaim?: () => Promise<void>;
}

/** What a responder answers: the messages to send, and whether (and why) a person should take over. */
export interface Reply {
  messages: OutboundMessage[];
  handoff: boolean;
  /** Why a person is needed, in a few words; staff see it in the handoff alert. */
  handoffReason?: string;
  /** The reply proposes an effect for the sender to confirm (a voice turn then says what it heard). */
  proposes?: boolean;
}

/** Produces the reply to a turn: operators' confirmations, the agent, the menu behind it. */
export type Responder = (turn: Turn) => Promise<Reply>;

/**
 * The reply of a responder that handles some of a turn's messages itself (a confirmation, a staff
 * member's command): its own answers, then `next`'s reply to the messages it left, if any (with its
 * handoff, handoff reason and proposal).
 */
export async function answerThenNext(
  turn: Turn,
  answered: readonly OutboundMessage[],
  rest: TurnMessage[],
  next: Responder,
): Promise<Reply> {
  if (rest.length === 0) return { messages: joinTexts(answered), handoff: false };
  const reply = await next({ ...turn, messages: rest });
  // The rest's whole reply, with the answers in front: its handoff reason and proposal kept.
  return { ...reply, messages: joinTexts([...answered, ...reply.messages]) };
}
