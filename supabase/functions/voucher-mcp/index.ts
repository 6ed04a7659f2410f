/**
 * voucher-mcp: the chat's voucher tools over MCP (Streamable HTTP), for voice calls and other agents.
 * A bearer token names the caller: a per-call token (voice-call mints it into the accept body's `mcp`
 * tool; the caller's own record only, or nothing for an unknown number) or a TOOL_API_KEYS key (an
 * agent: staff's reads, codes masked). Only reads are offered, and to a call transfer_to_human (its
 * refer to the human line, or a WhatsApp follow-up): nothing over MCP touches money. Each
 * request is a fresh, sessionless MCP server answering in JSON (_shared/mcp).
 */
import OpenAI from "openai";
import { createDeps, type Deps } from "../_shared/deps.ts";
import { HttpError, lazyFetch, serveFunction } from "../_shared/http/mod.ts";
import { authenticate, handleMcp } from "../_shared/mcp/mod.ts";

/** A refer must be answered while the caller holds on. */
export const REFER_TIMEOUT_MS = 5_000;

/**
 * Builds the handler; VOICE_CALL_TOKEN_SECRET admits calls, TOOL_API_KEYS admits agents, and
 * OPENAI_API_KEY (at OPENAI_BASE_URL) lets a call's transfer_to_human refer it to the human line.
 */
export function createHandler(deps: Deps) {
  const { toolApiKeys, calls } = deps.config;
  const { apiKey, baseUrl } = deps.config.openai;
  const client = apiKey
    ? new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 1, timeout: REFER_TIMEOUT_MS, fetch: deps.fetch })
    : undefined;
  const refer = client
    ? async (callId: string, targetUri: string) => {
      await client.realtime.calls.refer(callId, { target_uri: targetUri });
    }
    : undefined;
  return serveFunction("voucher-mcp", deps, async (req, { attribute }) => {
    const caller = await authenticate(req, { toolApiKeys, calls }, Date.now());
    if (caller.kind === "agent") attribute(caller.keyId);
    if (req.method !== "POST") {
      // Stateless: no session to resume, no server-initiated stream to open (GET) or end (DELETE).
      throw new HttpError(405, "method_not_allowed", "voucher-mcp takes MCP messages by POST only", {
        headers: { allow: "POST" },
      });
    }
    return await handleMcp(req, { ...deps, ...(refer ? { refer } : {}) }, caller);
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject()))),
} satisfies Deno.ServeDefaultExport;
