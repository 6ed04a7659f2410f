/**
 * The money domain's face: operators' confirmations (YES, NO, APPROVE) carried out in code before the
 * agent or the menu sees a turn, and the words an operator reads about an action.
 */
export { actionText, describeAction } from "./actions.ts";
export { proposalMessages, proposalText, proposalTexts } from "./proposals.ts";
export { actionButton, BUTTON_TITLES, type Confirmation, parseTap, type Verb } from "./buttons.ts";
export {
  EFFECT_STATEMENT_TIMEOUT_MS,
  EFFECT_TIMEOUT_MS,
  NOT_YOURS,
  parseConfirmation,
  withConfirmations,
} from "./confirmations.ts";
