/** The one `isObject` of the tools (scripts/ and evals/). */

/** True for a plain JSON-style object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
