/** Meta's X-Hub-Signature-256 header: HMAC-SHA256 of the raw request body with the app secret. */
import { hmacSha256, timingSafeEqual } from "../secrets.ts";

const encoder = new TextEncoder();
const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/** True if `header` is `sha256=<hex>` of an HMAC-SHA256 of `body` under any of `secrets`. */
export async function verifySignature(
  body: Uint8Array,
  header: string | null,
  secrets: readonly string[],
): Promise<boolean> {
  const hex = header?.trim().match(HEADER)?.[1];
  if (!hex || secrets.length === 0) return false;
  const expected = fromHex(hex);
  // The MAC is over the exact bytes Meta sent: parsing and re-serialising the JSON would change
  // escapes, key order and number formats, and the signature would no longer match.
  const macs = await Promise.all(secrets.map((secret) => hmacSha256(secret, body)));
  // Every secret is computed and compared, so the time taken does not tell which one matched.
  const matches = await Promise.all(macs.map((mac) => timingSafeEqual(mac, expected)));
  return matches.includes(true);
}

/** The X-Hub-Signature-256 header value, `sha256=<hex>`, for `body` signed with `secret`. */
export async function signBody(body: Uint8Array | string, secret: string): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return `sha256=${toHex(await hmacSha256(secret, bytes))}`;
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
