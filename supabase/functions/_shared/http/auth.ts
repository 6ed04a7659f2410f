/** Bearer authentication, with the constant-time compare of secrets.ts. */
import { keyFingerprint, matchesAny } from "../secrets.ts";
import { HttpError } from "./errors.ts";

/**
 * Requires `Authorization: Bearer <key>` with one of `keys` (two during a rotation); 401 otherwise.
 * Answers the key's fingerprint (keyFingerprint), which names the caller without holding the key.
 */
export async function requireBearer(req: Request, keys: readonly string[]): Promise<{ keyId: string }> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { headers: { "www-authenticate": 'Bearer realm="voucher-agents"' } };
  if (!match) {
    throw new HttpError(401, "unauthorized", "Missing Authorization: Bearer <key> header", challenge);
  }
  if (!(await matchesAny(match[1]!, keys))) {
    throw new HttpError(401, "unauthorized", "Invalid API key", challenge);
  }
  return { keyId: await keyFingerprint(match[1]!) };
}
