/** Request checks every function shares: method, content type, body size, JSON. */
import { HttpError } from "./errors.ts";

/** 405 with an Allow header unless the method is one of `allowed`. */
export function requireMethod(req: Request, ...allowed: string[]): void {
  if (!allowed.includes(req.method)) {
    throw new HttpError(
      405,
      "method_not_allowed",
      `Method ${req.method} is not allowed; use ${allowed.join(" or ")}`,
      {
        headers: { allow: allowed.join(", ") },
      },
    );
  }
}

/**
 * Reads at most `maxBytes` of the body: 413 when Content-Length says more, before reading anything,
 * or as soon as a body without one grows past the limit.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A JSON object body: 415 unless Content-Type is JSON, 413 past `maxBytes`, 400 unless it parses to an object. */
export async function readJsonObject(req: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "Content-Type must be application/json");
  }
  const bytes = await readBodyLimited(req, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new HttpError(400, "bad_request:json", "Body is not valid UTF-8 JSON", { cause });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "bad_request:json", "Body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "payload_too_large", `Body is larger than ${maxBytes} bytes`);
}
