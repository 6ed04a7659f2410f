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
const SECRET_KEY = /secret|token|password|authorization|api_?key|apikey|cookie|signature/i;
const BODY_KEY = /^(body|text|content|caption|message_body|prompt|reply)$/i;
const PHONE_KEY = /msisdn|phone|wa_id|^from$|^to$|recipient/i;
// A run of 9 to 15 digits, optionally after +, not inside a longer word or id.
const PHONE_IN_TEXT = /(?<![\w+-])\+?\d{9,15}(?![\w-])/g;

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
    const line = {
      ts: now().toISOString(),
      level,
      event,
      msg: scrubText(msg),
      ...scrub(base),
      ...scrub(fields ?? {}),
    };
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
    } else if (PHONE_KEY.test(key) && typeof value === "string") out[key] = maskMsisdn(value);
    else out[key] = scrubValue(value, depth);
  }
  return out;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: scrubText(value.message), ...(code ? { code: String(code) } : {}) };
  }
  if (depth >= 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  return scrub(value as LogFields, depth + 1);
}

function scrubText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskMsisdn(m));
}
