/** Assertions shared by unit and integration tests. */
import assert from "node:assert/strict";
import { HttpError } from "../_shared/errors.ts";

/** Asserts `promise` rejects with an HttpError of `status` and `code`; returns it. */
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
  assert.ok(caught instanceof HttpError, `expected an HttpError, got ${String(caught)}`);
  assert.equal(caught.status, status);
  assert.equal(caught.code, code);
  return caught;
}
