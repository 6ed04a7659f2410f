/**
 * voucher-mcp: the chat's voucher tools over MCP (Streamable HTTP), for voice calls and other agents.
 * A bearer token names the caller: a per-call token (voice-call mints it into the accept body's `mcp`
 * tool; the caller's own record only, or nothing for an unknown number) or a TOOL_API_KEYS key (an
 * agent: staff's reads, codes masked). Only reads are offered: nothing over MCP has an effect. Each
 * request is a fresh, sessionless MCP server answering in JSON (_shared/mcp).
 */
import { createDeps, type Deps } from "../_shared/deps.ts";
import { HttpError, lazyFetch, serveFunction } from "../_shared/http/mod.ts";
import { authenticate, handleMcp } from "../_shared/mcp/mod.ts";

/** Builds the handler; VOICE_CALL_TOKEN_SECRET admits calls, TOOL_API_KEYS admits agents. */
export function createHandler(deps: Deps) {
  const { toolApiKeys, calls } = deps.config;
  return serveFunction("voucher-mcp", deps, async (req, { attribute }) => {
    const caller = await authenticate(req, { toolApiKeys, calls }, Date.now());
    if (caller.kind === "agent") attribute(caller.keyId);
    if (req.method !== "POST") {
      // Stateless: no session to resume, no server-initiated stream to open (GET) or end (DELETE).
      throw new HttpError(405, "method_not_allowed", "voucher-mcp takes MCP messages by POST only", {
        headers: { allow: "POST" },
      });
    }
    return await handleMcp(req, deps, caller);
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject()))),
} satisfies Deno.ServeDefaultExport;
