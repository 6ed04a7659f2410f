/** The WhatsApp channel's limits, in one place. */

/** Meta's webhook bodies are small; anything larger is refused before it is read. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
/**
 * How long a worker holds a conversation before another may take it over. A turn renews the claim
 * (Turn.renewClaim) before every model call, every tool call, every confirmation and the menu
 * fallback, so the lease covers the longest stretch between two renewals, not the whole turn.
 * The stretches, with every timeout on them (lease_test.ts adds them up from the constants):
 *   claim → mark-read (Graph 10 s) + flags (1.5 s) + memory (DB 10 s) → renewal          21.5 s
 *   renewal → model call with retries (MODEL_CALL_BUDGET_MS 40 s) → finish_turn (DB 10 s)   50 s
 *   renewal → a tool: proposal (5 s) + its look-up (5 s) + the audit (DB 10 s) → renewal     20 s
 *   renewal → menu: two look-ups (DB 2 × 10 s) + finish_turn (DB 10 s)                      30 s
 * The whole turn, every timeout on its path added once (mark-read 10 + flags 1.5 + memory 10 +
 * TURN_BUDGET_MS 45 + menu 20 + finish 10), is 96.5 s: longer than the lease, which is why the
 * claim is renewed rather than sized to the sum.
 */
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
