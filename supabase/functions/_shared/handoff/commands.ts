/**
 * Staff answer a handoff through the business number, with typed commands handled in code before the
 * agent: "TAKE 12" takes handoff #12 (the number in the alert), "DONE" ends it, "BOT" hands the customer
 * back to the bot. While a staff member holds a handoff, whatever else they write goes to the customer,
 * except their commands and their confirmations (YES/NO/APPROVE with a code), which keep working: every
 * relayed message they receive says so. A button's id ("handoff:take:12", "handoff:done", "handoff:bot")
 * maps to the same handling through handoffCommandFromId.
 */
import { type Db, relayStaffReply, releaseHandoff, takeHandoff } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { waIdOf } from "../msisdn.ts";
import {
  answerThenNext,
  type OutboundMessage,
  type Responder,
  text,
  type Turn,
} from "../conversation/mod.ts";
import { parseConfirmation } from "../vouchers/mod.ts";
import { releasedText, takenText } from "./texts.ts";

/** What a staff member asks of a handoff. */
export type HandoffCommand = { kind: "take"; number: number } | { kind: "done" } | { kind: "bot" };

const TAKE = /^take\s*#?\s*(\d{1,9})$/;

/** The command a whole message is ("TAKE 12", "take #12", "Done", "BOT"), or null. */
export function parseHandoffCommand(message: string | null | undefined): HandoffCommand | null {
  const t = (message ?? "").trim().toLowerCase().replace(/[.!\s]+$/, "").replace(/\s+/g, " ");
  const take = TAKE.exec(t)?.[1];
  if (take) return { kind: "take", number: Number(take) };
  if (t === "done") return { kind: "done" };
  return t === "bot" ? { kind: "bot" } : null;
}

/** The command a button or list row id carries ("handoff:take:12", "handoff:done", "handoff:bot"), or null. */
export function handoffCommandFromId(id: string | null | undefined): HandoffCommand | null {
  const m = /^handoff:(take:(\d{1,9})|done|bot)$/.exec(id ?? "");
  if (!m) return null;
  if (m[2]) return { kind: "take", number: Number(m[2]) };
  return m[1] === "done" ? { kind: "done" } : { kind: "bot" };
}

/** The staff member's number as the database keeps it (digits), or null when the sender has none. */
function staffWaId(turn: Turn): string | null {
  return waIdOf(turn.sender.msisdn);
}

/** Carries out one command for this staff number and says what came of it. */
export async function runHandoffCommand(
  d: { db: Db; log: Logger },
  staff: string,
  command: HandoffCommand,
): Promise<string | null> {
  if (command.kind === "take") {
    const taken = await takeHandoff(d.db, { p_number: command.number, p_staff_wa_id: staff });
    if (taken.outcome === "not_staff") return null;
    d.log.info("handoff", "take", { number: command.number, outcome: taken.outcome });
    return takenText(command.number, taken);
  }
  const released = await releaseHandoff(d.db, {
    p_staff_wa_id: staff,
    p_reason: command.kind === "done" ? "done by staff" : "handed back to the bot by staff",
  });
  if (released.outcome === "not_staff") return null;
  d.log.info("handoff", command.kind, { number: released.number, outcome: released.outcome });
  return releasedText(command.kind, released);
}

/**
 * Handles a sender's handoff commands and, while they hold a handoff, relays the rest of what they
 * write to the customer; passes everything else (confirmations included) to `next`.
 */
export function withHandoff(d: { db: Db; log: Logger }, next: Responder): Responder {
  return async (turn) => {
    const staff = staffWaId(turn);
    if (!staff) return await next(turn);
    const messages: OutboundMessage[] = [];
    const rest: Turn["messages"] = [];
    for (const m of turn.messages) {
      // A tap carries its command in its id (the alert's Take button); any other tap (a confirmation,
      // a menu row) is an answer to us, never words for the customer.
      const command = handoffCommandFromId(m.replyId) ?? parseHandoffCommand(m.text);
      const said = command ? await runHandoffCommand(d, staff, command) : null;
      if (said !== null) {
        messages.push(text(said));
      } else if (command || m.replyId || parseConfirmation(m.text) || !m.text) {
        rest.push(m);
      } else if (
        !(await relayStaffReply(d.db, { p_staff_wa_id: staff, p_message_id: m.id, p_body: m.text })).relayed
      ) {
        rest.push(m);
      }
    }
    if (rest.length === turn.messages.length) return await next(turn);
    return await answerThenNext(turn, messages, rest, next);
  };
}
