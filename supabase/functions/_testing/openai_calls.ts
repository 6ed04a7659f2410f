/**
 * The fake OpenAI's call control (`POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup`): records
 * each body, checks it against the wire format of the openai SDK's CallAcceptParams, CallReferParams and
 * CallRejectParams (a body OpenAI would refuse is a 400 and a violation), and can be told to fail.
 */

/** One call-control request as the fake received it. */
export interface CallControl {
  action: "accept" | "reject" | "refer" | "hangup";
  callId: string;
  // deno-lint-ignore no-explicit-any -- tests read whatever the client sent
  body: any;
}

export interface FakeCalls {
  /** Every call-control request, in order, valid or not. */
  requests: CallControl[];
  /** The next `n` requests answer `status` (OpenAI's error body). */
  failNext(status: number, n?: number): void;
  /** Handles a request whose path starts /v1/realtime/calls/. */
  handle(req: Request, path: string): Promise<Response>;
}

const ACCEPT_KEYS = new Set([
  "type",
  "audio",
  "include",
  "instructions",
  "max_output_tokens",
  "model",
  "output_modalities",
  "parallel_tool_calls",
  "prompt",
  "reasoning",
  "tool_choice",
  "tools",
  "tracing",
  "truncation",
]); // deno-fmt-ignore
const MCP_KEYS = new Set([
  "type", "server_label", "server_url", "headers", "allowed_tools", "require_approval", "authorization",
  "server_description", "allowed_callers", "defer_loading", "connector_id", "tunnel_id",
]); // deno-fmt-ignore

/** Why OpenAI would refuse this call-control body, or undefined. */
export function callControlProblem(action: CallControl["action"], body: unknown): string | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== "object" || Array.isArray(b)) return "body must be an object";
  if (action === "refer") {
    return typeof b.target_uri === "string" && /^(tel|sip|sips):\S+$/.test(b.target_uri)
      ? undefined
      : "target_uri must be a tel: or sip: URI";
  }
  if (action === "reject") {
    return b.status_code === undefined || Number.isInteger(b.status_code) ? undefined : "status_code must be an integer";
  }
  if (action === "hangup") return undefined;
  if (b.type !== "realtime") return "type must be realtime";
  const unknown = Object.keys(b).find((k) => !ACCEPT_KEYS.has(k));
  if (unknown) return `unknown parameter: ${unknown}`;
  if (b.model !== undefined && typeof b.model !== "string") return "model must be a string";
  if (b.instructions !== undefined && typeof b.instructions !== "string") return "instructions must be a string";
  if (b.tools === undefined) return undefined;
  if (!Array.isArray(b.tools)) return "tools must be an array";
  for (const tool of b.tools as Record<string, unknown>[]) {
    if (tool.type === "function") continue;
    if (tool.type !== "mcp") return `tools: unknown type ${String(tool.type)}`;
    const bad = Object.keys(tool).find((k) => !MCP_KEYS.has(k));
    if (bad) return `tools: unknown mcp parameter ${bad}`;
    if (typeof tool.server_label !== "string" || !tool.server_label) return "tools: mcp needs server_label";
    if (typeof tool.server_url !== "string" || !/^https?:\/\//.test(tool.server_url)) {
      return "tools: mcp needs an http(s) server_url";
    }
    const headers = tool.headers ?? {};
    if (typeof headers !== "object" || Object.values(headers).some((v) => typeof v !== "string")) {
      return "tools: mcp headers must map names to strings";
    }
    const allowed = tool.allowed_tools;
    if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((t) => typeof t === "string"))) {
      return "tools: allowed_tools must be a list of names";
    }
    if (![undefined, null, "always", "never"].includes(tool.require_approval as string)) {
      return "tools: require_approval must be always or never";
    }
  }
  return undefined;
}

/** Call control for a fake that accepts `apiKey`; violations go to `violations`. */
export function createFakeCalls(apiKey: string, violations: string[]): FakeCalls {
  const requests: CallControl[] = [];
  const failures: number[] = [];
  const error = (status: number, message: string) =>
    Response.json({ error: { message, type: "invalid_request_error", param: null, code: null } }, { status });
  return {
    requests,
    failNext(status, n = 1) {
      for (let i = 0; i < n; i++) failures.push(status);
    },
    async handle(req, path) {
      const match = /^\/v1\/realtime\/calls\/([^/]+)\/(accept|reject|refer|hangup)$/.exec(path);
      if (req.method !== "POST" || !match) {
        violations.push(`${req.method} ${path}: not a call-control path`);
        return error(404, `Invalid URL (${req.method} ${path})`);
      }
      const text = await req.text();
      const body: unknown = text ? JSON.parse(text) : undefined;
      const action = match[2] as CallControl["action"];
      const n = requests.push({ action, callId: decodeURIComponent(match[1]!), body });
      if (req.headers.get("authorization") !== `Bearer ${apiKey}`) {
        violations.push(`call control ${n}: Authorization is not the fake's key`);
        return error(401, "Incorrect API key provided");
      }
      const problem = callControlProblem(action, body);
      if (problem) {
        violations.push(`call control ${n} (${action}): ${problem}`);
        return error(400, problem);
      }
      const failure = failures.shift();
      if (failure) return error(failure, "The server had an error while processing your request");
      return new Response(null, { status: 200 });
    },
  };
}
