/** The WhatsApp channel's limits, in one place. */

/** Meta's webhook bodies are small; anything larger is refused before it is read. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
/**
 * How long the webhook waits for the database to store a body before it answers 503 and Meta
 * redelivers (a stored body is acknowledged in tens of ms even at 1,000 a second: BENCHMARKS.md). A
 * database that is away must not hold Meta's requests: they would pile up on the pool and every
 * other delivery would wait behind them. A store that commits after its 503 is harmless: the
 * redelivery finds its messages already stored (whatsapp_ingest's on conflict do nothing).
 */
export const INTAKE_TIMEOUT_MS = 750;
/**
 * How long a worker holds a conversation before another may take it over. A turn renews the claim
 * (Turn.renewClaim) before every model call, every tool call, every confirmation, the menu fallback
 * and every send, so the lease covers the longest stretch between two renewals, not the whole turn.
 * The stretches, with every timeout on them (lease_test.ts adds them up from the constants):
 *   claim → mark-read (Graph 10 s) + flags (1.5 s) + memory (DB 10 s) → renewal          21.5 s
 *   renewal → model call with retries (MODEL_CALL_BUDGET_MS 40 s) → finish_turn (DB 10 s)   50 s
 *   renewal → a tool: proposal (5 s) + its look-up (5 s) + the audit (DB 10 s) → renewal     20 s
 *   renewal → menu: two look-ups (DB 2 × 10 s) + finish_turn (DB 10 s)                      30 s
 *   renewal → a send: text, then template (2 × Graph 10 s), 3 inline retries
 *             (3 × (5 s sleep + Graph 10 s)), recording it while the database is away
 *             (RECORD_RETRY_MS 12 s, then its last try, DB 10 s)                           87 s
 * The whole turn, every timeout on its path added once (mark-read 10 + flags 1.5 + memory 10 +
 * TURN_BUDGET_MS 45 + menu 20 + finish 10 + a send 87), is 183.5 s: longer than the lease, which is
 * why the claim is renewed rather than sized to the sum.
 */
export const CLAIM_LEASE_SECONDS = 90;
/** Turns one worker answers for one conversation before handing it back (new messages keep coming). */
export const MAX_TURNS_PER_CLAIM = 10;
/** Immediate retries of a 429/5xx/network failure within one invocation, with exponential backoff.
 * A send that keeps failing is retried later until whatsapp_retry_window_seconds (app_settings, 1800)
 * after its row was made, re-driven from the database (pg_cron + pg_net), then marked failed. */
export const INLINE_SEND_RETRIES = 3;
export const RETRY_BASE_MS = 400;
/** The longest wait slept inline, far inside the claim lease; a longer one (a Retry-After, say) is
 * recorded as the row's next attempt and left to the re-drive. */
export const MAX_INLINE_SLEEP_MS = 5_000;
/** The longest wait between two attempts, whatever Retry-After says. */
export const MAX_RETRY_DELAY_MS = 60_000;
/** How long the outcome of a send (above all one Meta accepted) is retried while the database is away,
 * inside the claim lease and the 2 minutes before a row left `sending` counts as stale (outbox.ts). */
export const RECORD_RETRY_MS = 12_000;
/** The longest wait between two tries of that record. */
export const RECORD_RETRY_MAX_WAIT_MS = 2_000;
/** Inline waits for the pair gap (app_settings.whatsapp_pair_gap_ms, at most MAX_INLINE_SLEEP_MS each)
 * in one pass over the outbox; past them the re-drive sends the rest when it is due. */
export const MAX_PAIR_WAITS = 3;
/** Wait before the next try after Meta's rate limits (130429, 131056) or a refused token (190). */
export const BACKOFF_MS = 60_000;
/** Conversations with stuck work picked up by each invocation after its own. */
export const PICKUP_BATCH = 10;
/** New turns start only this long into an invocation's background work: an edge function is stopped
 * at 150 s of wall clock (free plan), and an agent turn may take 45 s. Work left over is picked up
 * by the next invocation, as after a crash. */
export const INVOCATION_BUDGET_MS = 60_000;
