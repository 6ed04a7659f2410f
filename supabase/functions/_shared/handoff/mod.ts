/**
 * The handoff domain's face: staff take a handoff, answer the customer through the business number and
 * hand them back, with typed commands (TAKE 12, DONE, BOT) or a button id carrying the same command.
 */
export {
  type HandoffCommand,
  handoffCommandFromId,
  parseHandoffCommand,
  runHandoffCommand,
  withHandoff,
} from "./commands.ts";
