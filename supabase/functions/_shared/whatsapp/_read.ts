/** Reading JSON element by element with zod: what does not fit is rejected with its path, never thrown. */
import { z } from "zod";
import type { Rejected, WebhookBatch } from "./types.ts";

export type Path = readonly PropertyKey[];

/** The array at `path`, or none (rejected) when something else is there; absent is an empty list. */
export function list(value: unknown, path: Path, batch: WebhookBatch): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  reject(batch, path, "must be an array", value);
  return [];
}

/** The entries of the array at `path` that fit `schema`; the others are rejected with their path. */
export function each<T extends z.ZodType>(
  value: unknown,
  path: Path,
  schema: T,
  batch: WebhookBatch,
): z.output<T>[] {
  return list(value, path, batch).flatMap((x, i) => {
    const parsed = check(schema, x, [...path, i], batch);
    return parsed === undefined ? [] : [parsed];
  });
}

/** `value` parsed by `schema`, or undefined with the first problem rejected at `path`. */
export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  path: Path,
  batch: WebhookBatch,
): z.output<T> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const problem = issue
    ? `${issue.path.length ? pathString(issue.path) + " " : ""}${describe(issue, valueAt(value, issue.path))}`
    : "is invalid";
  reject(batch, path, problem, value);
  return undefined;
}

function describe(issue: z.core.$ZodIssue, found: unknown): string {
  if (found === undefined) return "is missing";
  switch (issue.code) {
    case "invalid_type":
      return `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "too_small":
      return "must not be empty";
    default:
      return issue.message;
  }
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, key) => (typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    root,
  );
}

/** Keeps an element aside (stored as an event) with where it was and what is wrong. */
export function reject(
  batch: WebhookBatch,
  path: Path,
  reason: string,
  value: unknown,
  kind: Rejected["kind"] = "invalid",
): void {
  batch.rejected.push({ kind, path: pathString(path), reason, value });
}

/** entry[0].changes[0].value.messages[1], as a person reads it. */
export function pathString(path: Path): string {
  return path.length === 0
    ? "body"
    : path.map((k, i) => typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`).join("");
}
