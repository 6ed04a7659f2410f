/**
 * The money domain's face: operators' confirmations (YES, NO, APPROVE) carried out in code before the
 * agent or the menu sees a turn, and the words an operator reads about an action.
 */
export { actionText, describeAction } from "./actions.ts";
export { proposalText, proposalTexts } from "./proposals.ts";
export {
  type Confirmation,
  EFFECT_STATEMENT_TIMEOUT_MS,
  EFFECT_TIMEOUT_MS,
  parseConfirmation,
  withConfirmations,
} from "./confirmations.ts";
