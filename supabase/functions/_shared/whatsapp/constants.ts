/** The WhatsApp channel's limits, in one place. */

/** Meta's webhook bodies are small; anything larger is refused before it is read. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
/** How long a worker holds a conversation before another may take it over. */
export const CLAIM_LEASE_SECONDS = 60;
/** Turns one worker answers for one conversation before handing it back (new messages keep coming). */
export const MAX_TURNS_PER_CLAIM = 10;
/** Graph API attempts for one reply before it is marked failed. */
export const MAX_SEND_ATTEMPTS = 8;
/** Immediate retries of a 429/5xx/network failure within one invocation, with exponential backoff. */
export const INLINE_SEND_RETRIES = 3;
export const RETRY_BASE_MS = 400;
/** Wait before the next try after Meta's rate limits (130429, 131056) or a refused token (190). */
export const BACKOFF_MS = 60_000;
/** Conversations with stuck work picked up by each invocation after its own. */
export const PICKUP_BATCH = 10;
/** New turns start only this long into an invocation's background work: an edge function is stopped
 * at 150 s of wall clock (free plan), and an agent turn may take 45 s. Work left over is picked up
 * by the next invocation, as after a crash. */
export const INVOCATION_BUDGET_MS = 60_000;
