/**
 * The buttons an operator taps instead of typing a code: each button's id carries its verb and the
 * action's code ("confirm:4821"), so a tap goes through the same SQL call as a typed "YES 4821".
 */
import type { Choice } from "../conversation/mod.ts";
import { inLanguage, type TextsByLanguage } from "../texts.ts";

/** What a tap or a typed code asks: carry out or drop the action with that code, approve or decline it. */
export type Verb = "confirm" | "cancel" | "approve" | "decline";

export interface Confirmation {
  verb: Verb;
  code: string;
}

/** The verbs whose buttons code builds: a proposal's. */
export type ProposalVerb = "confirm" | "cancel";

/**
 * Confirm's and Cancel's titles, within Meta's 20 characters in every language. Approve and Decline
 * are titled where the approval request is built, in SQL (voucher_approval_buttons), and only there.
 */
export const BUTTON_TITLES: Record<ProposalVerb, TextsByLanguage> = {
  confirm: { en: "Confirm", fr: "Confirmer", rw: "Emeza", sw: "Thibitisha" },
  cancel: { en: "Cancel", fr: "Annuler", rw: "Hagarika", sw: "Ghairi" },
};

/** The code each verb takes: four digits to confirm or cancel, six to approve or decline. */
const TAP = /^(confirm|cancel):(\d{4})$|^(approve|decline):(\d{6})$/;

/** The button for `verb` on the action with `code`, titled in `language`. */
export function actionButton(verb: ProposalVerb, code: string, language: string | null | undefined): Choice {
  return { id: `${verb}:${code}`, title: inLanguage(BUTTON_TITLES[verb], language) };
}

/** The confirmation a tapped button's id carries, or null for any other id (a menu row, a stale one). */
export function parseTap(replyId: string | null | undefined): Confirmation | null {
  const m = TAP.exec(replyId ?? "");
  if (!m) return null;
  const verb = (m[1] ?? m[3]) as Verb;
  return { verb, code: (m[2] ?? m[4])! };
}
