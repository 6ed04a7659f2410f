/**
 * Who is calling voucher-mcp, from the bearer token: a voice call (a per-call token, see calls/) or
 * another agent (a key of TOOL_API_KEYS). Every refusal is a 401 that says what is wrong.
 */
import { verifyCallToken } from "../calls/mod.ts";
import type { Config } from "../config.ts";
import type { Sender } from "../conversation/mod.ts";
import { HttpError, requireBearer } from "../http/mod.ts";

/** The per-call tokens' prefix (calls/token.ts): how a call token is told from a tool key. */
const CALL_TOKEN_PREFIX = "vc1.";

/**
 * A voice call: the customer whose number the token carries (msisdn null: an unknown caller, who is
 * offered no tool that reads data), bound to one call; for an unknown caller, the number the call
 * came from when the token names it (reach: where their one WhatsApp message may go, never a scope). An agent: a TOOL_API_KEYS key, which reads as
 * staff read (codes masked), never with an effect.
 */
export type Caller =
  | { kind: "call"; call: string; sender: Sender; reach: string | null }
  | { kind: "agent"; keyId: string; sender: Sender };

const CHALLENGE = 'Bearer realm="voucher-mcp"';

function unauthorized(message: string): HttpError {
  return new HttpError(401, "unauthorized", message, { headers: { "www-authenticate": CHALLENGE } });
}

const REFUSALS = {
  malformed: "The call token is malformed",
  bad_signature: "The call token's signature does not match",
  expired: "The call token has expired: it lasts one call",
  wrong_call: "The call token is for another call",
} as const;

/**
 * The caller of `req`. A call token is checked against `?call_id=` when the server URL carries one
 * (OpenAI's MCP requests name no call, so without it the token alone is the binding).
 */
export async function authenticate(
  req: Request,
  config: Pick<Config, "toolApiKeys" | "calls">,
  nowMs: number,
): Promise<Caller> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  if (!match) throw unauthorized("Missing Authorization: Bearer <call token or tool key> header");
  const token = match[1]!;
  if (token.startsWith(CALL_TOKEN_PREFIX)) {
    const secrets = config.calls.tokenSecrets;
    if (!secrets) throw unauthorized("Call tokens are not accepted here: VOICE_CALL_TOKEN_SECRET is not set");
    const call = new URL(req.url).searchParams.get("call_id") ?? undefined;
    const verified = await verifyCallToken(secrets, token, nowMs, call);
    if (!verified.ok) throw unauthorized(REFUSALS[verified.reason]);
    const { claims } = verified;
    return {
      kind: "call",
      call: claims.call,
      sender: { role: "customer", msisdn: claims.msisdn, language: null },
      reach: claims.msisdn === null ? claims.reach ?? null : null,
    };
  }
  if (!config.toolApiKeys) throw unauthorized("Invalid API key");
  const { keyId } = await requireBearer(req, config.toolApiKeys);
  return { kind: "agent", keyId, sender: { role: "operator", msisdn: null, language: null } };
}
