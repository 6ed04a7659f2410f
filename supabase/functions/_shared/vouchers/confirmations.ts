/**
 * Operators' confirmations, handled in code before the agent or the menu sees the turn: "YES 4821"
 * carries out the pending create/redeem/void with that code, "NO 4821" drops it, "APPROVE 123456"
 * approves a voucher above the threshold. The effect and its receipt happen in one SQL call, and the
 * reply is built from what that call returned, so a committed effect is always reported.
 */
import {
  approveVoucherAction,
  cancelVoucherAction,
  confirmVoucherAction,
  type Db,
  type Decision,
  declineVoucherAction,
  isWrongCode,
  type VoucherAction,
  type WrongCode,
} from "../db/mod.ts";
import { Refusal } from "../errors.ts";
import type { Logger } from "../log.ts";
import {
  answerThenNext,
  type OutboundMessage,
  type Responder,
  text,
  type Turn,
  type TurnMessage,
} from "../conversation/mod.ts";
import { actionText, describeAction } from "./actions.ts";
import { type Confirmation, parseTap, type Verb } from "./buttons.ts";

/** An effect gets this long on the server, then rolls back; the client waits a little longer. */
export const EFFECT_STATEMENT_TIMEOUT_MS = 4_000;
export const EFFECT_TIMEOUT_MS = 5_000;

/** Between the word and the code: a space, or ":", "#" or "-" with optional spaces; never nothing. */
const SEP = String.raw`(?: ?[:#-] ?| )`;
/** Clear words only, in English, French and Kinyarwanda/Swahili: no "y", "n" or "ok", which people write in passing. */
const CONFIRM = new RegExp(String.raw`^(?:yes|confirm|oui|confirmer|yego|emeza|ndiyo|ndio)${SEP}(\d{4})$`);
/** NO <code> drops a pending action, and withdraws one awaiting approval (WITHDRAW says the same). */
const CANCEL = new RegExp(
  String.raw`^(?:no|cancel|non|annuler|oya|hagarika|hapana|withdraw|retirer)${SEP}(\d{4})$`,
);
const APPROVE = new RegExp(String.raw`^(?:approve|approuver)(?: code)?${SEP}(\d{6})$`);
const DECLINE = new RegExp(String.raw`^(?:decline|refuser)(?: code)?${SEP}(\d{6})$`);

/**
 * The confirmation a whole message is, or null: "Yes 4821", "OUI: 4821.", "approve 123456". Anything
 * else ("ok 5000", "n 1500", "y2026", "yes4821") is an ordinary message for the agent.
 */
export function parseConfirmation(text: string | null | undefined): Confirmation | null {
  const t = (text ?? "").trim().toLowerCase().replace(/[.!\s]+$/, "").replace(/\s+/g, " ");
  const match = (re: RegExp) => re.exec(t)?.[1];
  const approve = match(APPROVE);
  if (approve) return { verb: "approve", code: approve };
  const decline = match(DECLINE);
  if (decline) return { verb: "decline", code: decline };
  const confirm = match(CONFIRM);
  if (confirm) return { verb: "confirm", code: confirm };
  const cancel = match(CANCEL);
  return cancel ? { verb: "cancel", code: cancel } : null;
}

/** What a message asks: a tapped button's id when it has one (its title is only a label), else its words. */
function confirmationOf(m: TurnMessage): Confirmation | null {
  return m.replyId !== undefined ? parseTap(m.replyId) : parseConfirmation(m.text);
}

/** The answer to a confirmation button tapped by someone who is not an active operator. */
export const NOT_YOURS =
  "Not done: this button is for the operator who asked for the action. Nothing was changed.";

/**
 * Runs an operator's confirmations (typed codes and tapped buttons), then passes the rest of the turn
 * (if any) to `next`. Customers' turns go to `next`: only an active operator's number can confirm
 * (checked in SQL); a confirmation button that reaches anyone else is refused here, never carried out.
 */
export function withConfirmations(d: { db: Db; log: Logger }, next: Responder): Responder {
  return async (turn) => {
    const msisdn = turn.sender.msisdn;
    const operator = turn.sender.role === "operator" && msisdn !== null;
    // A voice note's transcript never confirms: confirmations are typed or tapped.
    const parsed = turn.messages.map((m) => ({
      m,
      c: operator && m.type !== "audio" ? confirmationOf(m) : null,
      refused: !operator && parseTap(m.replyId) !== null,
    }));
    if (!parsed.some((p) => p.c || p.refused)) return await next(turn);
    const messages: OutboundMessage[] = [];
    for (const { m, c, refused } of parsed) {
      if (refused) messages.push(text(NOT_YOURS));
      else if (c && msisdn) messages.push(text(await carryOut(d, msisdn, c, m.id, turn)));
    }
    return await answerThenNext(
      turn,
      messages,
      parsed.filter((p) => !p.c && !p.refused).map((p) => p.m),
      next,
    );
  };
}

async function carryOut(
  d: { db: Db; log: Logger },
  msisdn: string,
  c: Confirmation,
  messageId: string,
  turn: Turn,
): Promise<string> {
  const effect = { timeoutMs: EFFECT_TIMEOUT_MS, statementTimeoutMs: EFFECT_STATEMENT_TIMEOUT_MS };
  const call = () =>
    c.verb === "cancel"
      ? cancelVoucherAction(d.db, { p_operator_msisdn: msisdn, p_confirmation_code: c.code })
      : c.verb === "confirm"
      ? confirmVoucherAction(
        d.db,
        { p_operator_msisdn: msisdn, p_confirmation_code: c.code, p_message_id: messageId },
        effect,
      )
      : (c.verb === "approve" ? approveVoucherAction : declineVoucherAction)(
        d.db,
        { p_operator_msisdn: msisdn, p_approval_code: c.code, p_message_id: messageId },
        effect,
      );
  await turn.renewClaim?.();
  let action: Decision;
  try {
    action = await call();
  } catch (error) {
    if (error instanceof Refusal) return refusal(c, error);
    // Ambiguous (a timeout, a dropped connection): the call is keyed by this message, so calling
    // again answers with what the first call did if it committed, and does it once if it did not.
    d.log.warn("vouchers", `the ${c.verb} call failed; resolving it by its key`, { error });
    await turn.renewClaim?.();
    try {
      action = await call();
    } catch (again) {
      if (again instanceof Refusal) return refusal(c, again);
      throw again;
    }
  }
  if (isWrongCode(action)) {
    d.log.warn("vouchers", `a wrong ${c.verb} code`, {
      wrong_codes: action.wrong_codes,
      failed_actions: action.failed_actions,
      conversation_id: turn.conversationId,
    });
    return wrongCodeText(action, c.code);
  }
  d.log.info("vouchers", `${c.verb} ${action.kind}: ${action.status}`, {
    action_id: action.action_id,
    status: action.status,
    replayed: action.replayed,
    conversation_id: turn.conversationId,
  });
  return action.closed ? closedText(action) : actionText(action);
}

function refusal(c: Confirmation, error: Refusal): string {
  if (error.code.endsWith("_not_found")) return nothingWaiting(c.verb, c.code);
  return `Not done: ${error.message}.`;
}

/** What an approver is told when the action their APPROVE names was decided before it. */
export function closedText(a: VoucherAction): string {
  const what = describeAction(a);
  switch (a.status) {
    case "cancelled":
      return `Withdrawn: the operator who asked withdrew ${what}. There is nothing to approve.`;
    case "expired":
      return `Not done: nobody approved ${what} in time, so it expired.`;
    case "done":
      return `Already approved: ${what} is done.`;
    default:
      return actionText(a);
  }
}

/** The answer to a code that matched nothing: none waiting, or a wrong code counted against the sender. */
export function wrongCodeText(w: WrongCode, code: string): string {
  const more = (n: number) => `${n} more wrong ${n === 1 ? "code" : "codes"}`;
  if (w.verb === "approve") {
    return w.tries_left > 0
      ? nothingWaiting(
        "approve",
        code,
        `Check the code: after ${more(w.tries_left)} this hour, you cannot approve for an hour.`,
      )
      : `Wrong approval code ${code}. That was the third in an hour, so you cannot approve for the next hour.`;
  }
  if (w.failed_actions > 0) {
    return `Wrong code ${code}. That was the third wrong code, so your ${
      w.failed_actions === 1 ? "pending action was" : `${w.failed_actions} pending actions were`
    } cancelled and nothing was changed. Ask again for a new code.`;
  }
  if (w.wrong_codes === 0) return nothingWaiting("confirm", code);
  return nothingWaiting(
    "confirm",
    code,
    `Check the code: after ${more(w.tries_left)} your pending actions are cancelled.`,
  );
}

/** Nothing waits for this code (none is open, or it was used), and what the sender should know. */
export function nothingWaiting(
  verb: Verb,
  code: string,
  then = "It may have expired or been used already.",
): string {
  return `Nothing is waiting for the ${
    verb === "approve" || verb === "decline" ? "approval" : "confirmation"
  } code ${code}. ${then}`;
}
