/** Secret comparison and bearer authentication. */
import { HttpError } from "./errors.ts";

const encoder = new TextEncoder();

/**
 * Compares two secrets in constant time. Both sides are hashed first so that neither the length
 * nor the position of the first differing byte shows in the timing.
 */
export async function timingSafeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(ha);
  const y = new Uint8Array(hb);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** True when `candidate` equals one of `secrets`; every secret is compared, so timing says nothing. */
export async function matchesAny(candidate: string, secrets: readonly string[]): Promise<boolean> {
  const results = await Promise.all(secrets.map((s) => timingSafeEqual(candidate, s)));
  return results.includes(true);
}

/** Requires `Authorization: Bearer <key>` with one of `keys` (two during a rotation); 401 otherwise. */
export async function requireBearer(req: Request, keys: readonly string[]): Promise<void> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { headers: { "www-authenticate": 'Bearer realm="voucher-agents"' } };
  if (!match) {
    throw new HttpError(401, "unauthorized", "Missing Authorization: Bearer <key> header", challenge);
  }
  if (!(await matchesAny(match[1]!, keys))) {
    throw new HttpError(401, "unauthorized", "Invalid API key", challenge);
  }
}
