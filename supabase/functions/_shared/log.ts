/**
 * JSON-lines logger. Phone numbers are masked, secrets redacted and message bodies dropped here,
 * once, so no call site can leak them by accident.
 */
import { maskMsisdn } from "./msisdn.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

/** The events a person greps for: `whatsapp`, `tool_call`, `openai_latency`, `http`, and a few more. */
export interface Logger {
  debug(event: string, msg: string, fields?: LogFields): void;
  info(event: string, msg: string, fields?: LogFields): void;
  warn(event: string, msg: string, fields?: LogFields): void;
  error(event: string, msg: string, fields?: LogFields): void;
  /** A logger that adds these fields (a request id, the function name) to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// `token` only as a whole word or suffix: access_token is a secret, total_tokens is a count.
const SECRET_KEY = /secret|(^|_)token$|password|authorization|api_?key|apikey|cookie|signature/i;
const BODY_KEY = /^(body|text|content|caption|message_body|prompt|reply)$/i;
const PHONE_KEY = /msisdn|phone|wa_id|^from$|^to$|recipient/i;
// 9 to 15 digits, optionally after + and with single spaces or dashes between them, as people
// type numbers ("+250 788 123 456"); not inside a longer word or id.
const PHONE_IN_TEXT = /(?<![\w+-])\+?\d(?:[ -]?\d){8,14}(?![\w-])/g;
const CORE_KEYS = new Set(["ts", "level", "event", "msg"]);
// Deeper than this, a value is replaced rather than walked: logs stay small and nothing slips by.
const MAX_DEPTH = 6;

/** Builds a logger writing one JSON object per line to `sink` (console.log by default). */
export function createLogger(
  options: { level?: LogLevel; sink?: (line: string) => void; now?: () => Date; fields?: LogFields } = {},
): Logger {
  const min = RANK[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  const write = (level: LogLevel, event: string, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const line: LogFields = { ts: now().toISOString(), level, event, msg: scrubText(msg) };
    for (const [key, value] of Object.entries({ ...scrub(base), ...scrub(fields ?? {}) })) {
      if (!CORE_KEYS.has(key)) line[key] = value;
    }
    sink(JSON.stringify(line));
  };
  return {
    debug: (e, m, f) => write("debug", e, m, f),
    info: (e, m, f) => write("info", e, m, f),
    warn: (e, m, f) => write("warn", e, m, f),
    error: (e, m, f) => write("error", e, m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** Masks, redacts and drops what must not reach a log line. Exported for tests. */
export function scrub(fields: LogFields, depth = 0): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SECRET_KEY.test(key)) out[key] = "[redacted]";
    else if (BODY_KEY.test(key)) {
      out[key] = typeof value === "string" ? `[${value.length} chars]` : "[omitted]";
    } else if (PHONE_KEY.test(key) && (typeof value === "string" || typeof value === "number")) {
      out[key] = maskMsisdn(String(value));
    } else out[key] = scrubValue(value, depth);
  }
  return out;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    // The cause's message and SQLSTATE say what the database refused; its detail (row values) is left out.
    const cause = value.cause instanceof Error && depth < MAX_DEPTH
      ? scrubValue(value.cause, depth + 1)
      : undefined;
    return {
      name: value.name,
      message: scrubText(value.message),
      ...(code ? { code: String(code) } : {}),
      ...(cause ? { cause } : {}),
    };
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[nested]";
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  return scrub(value as LogFields, depth + 1);
}

function scrubText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskMsisdn(m));
}
