/** Assertions shared by unit and integration tests. */
import assert from "node:assert/strict";
import type { Reply } from "../_shared/conversation/mod.ts";
import { HttpError, toHttpError } from "../_shared/http/mod.ts";

/**
 * Asserts `promise` rejects with an error the HTTP layer answers with `status` and `code` (an
 * HttpError, or a domain error such as a Refusal or a DbFailure); returns that answer.
 */
export async function rejectsWith(
  promise: Promise<unknown>,
  status: number,
  code: string,
): Promise<HttpError> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  const answer = toHttpError(caught);
  assert.ok(answer instanceof HttpError, `expected an error HTTP answers, got ${String(caught)}`);
  assert.equal(answer.status, status);
  assert.equal(answer.code, code);
  return answer;
}

/** The text a reply sends, its text messages joined as the outbox would show them. */
export function textOf(reply: Reply): string {
  return reply.messages.flatMap((m) => (m.type === "text" ? [m.text] : [])).join("\n\n");
}
