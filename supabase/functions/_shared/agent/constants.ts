/** Every limit of the agent in one place: turns, tool calls, time and memory. */

/** Model round trips in one turn (each may ask for tools); past it the menu answers. */
export const MAX_MODEL_CALLS_PER_TURN = 5;
/** Tool calls in one turn, across round trips; calls past it get a `tool_limit` error as data. */
export const MAX_TOOL_CALLS_PER_TURN = 8;

/** The whole turn, every model and tool call included. The conversation's claim is renewed during the
 * turn (see CLAIM_LEASE_SECONDS for the stretches between renewals). */
export const TURN_BUDGET_MS = 45_000;

/** One attempt at the model; a WhatsApp user waits for the answer. */
export const MODEL_ATTEMPT_TIMEOUT_MS = 25_000;
/** Attempts per model call, the first included; only retryable failures are tried again. */
export const MODEL_MAX_ATTEMPTS = 3;
/** One model call, retries included (and never past what is left of TURN_BUDGET_MS). */
export const MODEL_CALL_BUDGET_MS = 40_000;
/** First backoff between attempts, doubled each time unless the answer says Retry-After. */
export const MODEL_RETRY_BASE_MS = 400;
/** A Retry-After longer than this is not waited for: the call fails and the menu answers. */
export const MODEL_MAX_RETRY_AFTER_MS = 8_000;

/** Messages of memory read from the transcript (tool calls of those turns come with them). */
export const TRANSCRIPT_MESSAGES = 20;
/** Characters of memory sent to the model; the oldest items go first past it. */
export const TRANSCRIPT_MAX_CHARS = 12_000;
/** Characters of one tool output sent to the model; longer outputs are cut and say so. */
export const TOOL_OUTPUT_MAX_CHARS = 4_000;

/** An effect tool (create, redeem, void) runs only with this much of the turn left: its own call
 * (EFFECT_TIMEOUT_MS, 5 s) and the look-up that resolves a timeout (5 s more). */
export const EFFECT_RESERVE_MS = 10_000;

/** A turn whose messages were already taken this many times (every earlier turn failed) does not go
 * to the model: the menu answers. Past MAX_TURN_ATTEMPTS + 1 a fixed apology does, with no database
 * read, so a turn that keeps failing ends instead of calling OpenAI every minute for an hour. */
export const MAX_TURN_ATTEMPTS = 3;
