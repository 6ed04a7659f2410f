/** Makes parsed JSON fit Postgres: text and jsonb hold neither U+0000 nor lone UTF-16 surrogates. */

const REPLACEMENT = "\uFFFD";

/** The string with U+0000 and every lone surrogate replaced by U+FFFD. */
export function sanitizeText(s: string): string {
  return s.toWellFormed().replaceAll("\u0000", REPLACEMENT);
}

/** A copy of a JSON value whose strings (keys included) Postgres text and jsonb accept. */
export function sanitizeJson(value: unknown): unknown {
  if (typeof value === "string") return sanitizeText(value);
  if (Array.isArray(value)) return value.map(sanitizeJson);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeText(k), sanitizeJson(v)]));
  }
  return value;
}
