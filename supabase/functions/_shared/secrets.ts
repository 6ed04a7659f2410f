/** Secret comparison: the one constant-time compare, for keys, tokens and signatures. */

const encoder = new TextEncoder();

/**
 * Compares two secrets (text or bytes) in constant time. Both sides are hashed first so that neither
 * the length nor the position of the first differing byte shows in the timing.
 */
export async function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): Promise<boolean> {
  const [ha, hb] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < ha.length; i++) diff |= ha[i]! ^ hb[i]!;
  return diff === 0;
}

/** True when `candidate` equals one of `secrets`; every secret is compared, so timing says nothing. */
export async function matchesAny(candidate: string, secrets: readonly string[]): Promise<boolean> {
  const results = await Promise.all(secrets.map((s) => timingSafeEqual(candidate, s)));
  return results.includes(true);
}

/** A key's fingerprint: the first 12 hex digits of its SHA-256, to name the key in logs, never to use it. */
export async function keyFingerprint(key: string): Promise<string> {
  return Array.from((await digest(key)).slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** HMAC-SHA256 of `data` under `secret`: the one MAC of webhook signatures and call tokens. */
export async function hmacSha256(secret: string, data: string | Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  // WebCrypto takes only ArrayBuffer-backed views; copy in the rare case of a shared buffer.
  const bytes = typeof data === "string" ? encoder.encode(data) : new Uint8Array(data);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
}

async function digest(value: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof value === "string" ? encoder.encode(value) : new Uint8Array(value);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}
