/**
 * The menu: what answers when the agent cannot (AI off, no key, the model down). Keywords in English,
 * French and Kinyarwanda pick an intent; the answer comes from fixed texts and the sender's own record.
 */
export type { Intent, Language } from "./_types.ts";
export { type MenuInput, type MenuReply, menuReply } from "./reply.ts";
export { MENU_HANDOFF_REASON, menuResponder } from "./responder.ts";
