/**
 * The per-call token of a voice call: what voice-call gives OpenAI in the accept body's `mcp` tool, and
 * what voucher-mcp checks. Signed (HMAC-SHA256 with VOICE_CALL_TOKEN_SECRET), short-lived, and bound
 * to one call and to the customer number the SIP headers matched (null: an unknown caller, general
 * help only). An unknown caller's token may name the number the SIP headers carried (`reach`): where
 * the one WhatsApp message they may ask for goes; never a data scope. Not a session: it carries no more than the call needs, and no effect is ever allowed by it.
 */
import { z } from "zod";
import { hmacSha256, timingSafeEqual } from "../secrets.ts";

const PREFIX = "vc1";
const encoder = new TextEncoder();

const E164 = /^\+[1-9][0-9]{7,14}$/;

/**
 * What a call token says: the call, the caller's customer number (E.164) or null, for an unknown
 * caller the number to reach on WhatsApp (absent in older tokens), and its expiry.
 */
export const CallClaims = z.object({
  call: z.string().min(1).max(200),
  msisdn: z.string().regex(E164).nullable(),
  reach: z.string().regex(E164).optional(),
  /** Expiry, in seconds since the epoch. */
  exp: z.number().int().positive(),
}).refine((c) => c.msisdn === null || c.reach === undefined, {
  message: "reach is only for a caller whose number matched no customer",
});
export type CallClaims = z.infer<typeof CallClaims>;

/** Why a token was refused; each is a 401 to the caller, named in the log. */
export type TokenRefusal = "malformed" | "bad_signature" | "expired" | "wrong_call";

/** A token for `claims.call`, valid `ttlSeconds` from `nowMs`. */
export async function mintCallToken(
  secret: string,
  claims: { call: string; msisdn: string | null; reach?: string; ttlSeconds: number },
  nowMs: number,
): Promise<string> {
  const body: CallClaims = CallClaims.parse({
    call: claims.call,
    msisdn: claims.msisdn,
    ...(claims.reach === undefined ? {} : { reach: claims.reach }),
    exp: Math.floor(nowMs / 1000) + claims.ttlSeconds,
  });
  const payload = base64url(encoder.encode(JSON.stringify(body)));
  return `${PREFIX}.${payload}.${await sign(secret, payload)}`;
}

/**
 * The claims of a token signed with one of `secrets` (two during a rotation), unexpired at `nowMs`,
 * and, when `call` is given, for that call; otherwise why not.
 */
export async function verifyCallToken(
  secrets: readonly string[],
  token: string,
  nowMs: number,
  call?: string,
): Promise<{ ok: true; claims: CallClaims } | { ok: false; reason: TokenRefusal }> {
  const [prefix, payload, signature, ...rest] = token.split(".");
  if (prefix !== PREFIX || !payload || !signature || rest.length > 0) {
    return { ok: false, reason: "malformed" };
  }
  const expected = await Promise.all(secrets.map((s) => sign(s, payload)));
  const matches = await Promise.all(expected.map((e) => timingSafeEqual(e, signature)));
  if (!matches.includes(true)) return { ok: false, reason: "bad_signature" };
  const parsed = CallClaims.safeParse(parseJson(payload));
  if (!parsed.success) return { ok: false, reason: "malformed" };
  if (parsed.data.exp * 1000 <= nowMs) return { ok: false, reason: "expired" };
  if (call !== undefined && parsed.data.call !== call) return { ok: false, reason: "wrong_call" };
  return { ok: true, claims: parsed.data };
}

async function sign(secret: string, payload: string): Promise<string> {
  return base64url(await hmacSha256(secret, `${PREFIX}.${payload}`));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function parseJson(payload: string): unknown {
  try {
    const b64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}
