/** JSON values whose shape is not declared (a model's arguments, a foreign answer): the one guard. */

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
