/**
 * A local stand-in for Meta's Graph API messages endpoint, mounted by the dev gateway at /graph/.
 * It answers sends and mark-reads as Meta does, prints each reply and keeps the replies for
 * `deno task chat`, which reads them with a long poll: GET /graph/_replies?to=&after=&wait=.
 */
import { maskMsisdn } from "../../supabase/functions/_shared/msisdn.ts";
import { timingSafeEqual } from "../../supabase/functions/_shared/secrets.ts";
import { isObject } from "../lib/object.ts";

/** A reply the service sent, as the sink keeps it; `index` grows by one per reply. */
export interface SinkReply {
  index: number;
  id: string;
  /** The wa_id (`to`) or business-scoped user id (`recipient`) it was sent to. */
  to: string;
  body: string;
  at: string;
}

/** What the sink checks a send against, and where it prints. */
export interface GraphSinkOptions {
  phoneNumberId: string;
  accessToken: string;
  /** Gets each reply as readable lines (default: stderr). */
  print?: (text: string) => void;
  now?: () => Date;
  /** Starts every id; random by default so ids never repeat across runs (wa_message_id is unique). */
  idPrefix?: string;
  /** How many replies are kept; older ones are dropped. */
  keep?: number;
}

/** What a poll asks for: replies to `to` (any recipient when absent) with an index above `after`. */
export interface PollQuery {
  to?: string;
  after: number;
  waitMs: number;
}

export interface GraphSink {
  /** Handles POST /graph/<version>/<phone_number_id>/messages, GET /graph/<version>/<phone_number_id>
   * and GET /graph/_replies. */
  fetch(req: Request): Promise<Response>;
  /** The replies kept, oldest first. */
  readonly replies: readonly SinkReply[];
  /** The matching replies, waiting up to `waitMs` for the first one. */
  poll(query: PollQuery): Promise<SinkReply[]>;
  /** Ends every waiting poll with what it has, and makes later polls answer at once (shutdown). */
  close(): void;
}

/** The longest a GET /graph/_replies waits, in seconds. */
export const MAX_POLL_SECONDS = 25;

const MESSAGES_PATH = /^\/graph\/v\d+\.\d+\/([^/]+)\/messages\/?$/;
const NODE_PATH = /^\/graph\/v\d+\.\d+\/([^/_][^/]*)\/?$/;
const TRACE = { fbtrace_id: "ALocalSinkTrace0000000000" };

/** Builds the sink; nothing listens until the gateway routes /graph/ requests to `fetch`. */
export function createGraphSink(options: GraphSinkOptions): GraphSink {
  const { phoneNumberId, accessToken, keep = 1000 } = options;
  // Straight to stderr, not console: the gateway copies console output into app.log, which never
  // holds message bodies.
  const print = options.print ??
    ((text: string) => void Deno.stderr.writeSync(new TextEncoder().encode(text)));
  const now = options.now ?? (() => new Date());
  const idPrefix = options.idPrefix ?? crypto.randomUUID().slice(0, 8).toUpperCase();
  const replies: SinkReply[] = [];
  let count = 0;
  let closed = false;
  let changed = Promise.withResolvers<void>();
  const wakeAll = () => {
    changed.resolve();
    changed = Promise.withResolvers<void>();
  };

  async function poll({ to, after, waitMs }: PollQuery): Promise<SinkReply[]> {
    const wanted = to?.replace(/^\+/, "");
    const deadline = performance.now() + waitMs;
    for (;;) {
      const found = replies.filter((r) => r.index > after && (wanted === undefined || r.to === wanted));
      const left = deadline - performance.now();
      if (found.length || closed || left <= 0) return found;
      await wake(left, changed.promise);
    }
  }

  async function send(req: Request, pathId: string): Promise<Response> {
    const auth = req.headers.get("authorization") ?? "";
    if (!(await timingSafeEqual(auth, `Bearer ${accessToken}`))) {
      print("graph sink: refused a send: wrong access token (WHATSAPP_ACCESS_TOKEN)\n");
      const message = "Invalid OAuth access token - Cannot parse access token";
      return metaError(401, { message, type: "OAuthException", code: 190 });
    }
    if (pathId !== phoneNumberId) {
      const message = `Unsupported post request. Object with ID '${pathId}' does not exist, cannot be ` +
        "loaded due to missing permissions, or does not support this operation.";
      return metaError(400, { message, type: "GraphMethodException", code: 100, error_subcode: 33 });
    }
    const body = parseObject(await req.text());
    if (body?.messaging_product !== "whatsapp") {
      return invalidParameter("The parameter messaging_product is required.");
    }
    if (body.status === "read") {
      if (typeof body.message_id !== "string") {
        return invalidParameter("The parameter message_id is required.");
      }
      return Response.json({ success: true });
    }
    const to = typeof body.to === "string" ? body.to : undefined;
    const recipient = typeof body.recipient === "string" ? body.recipient : undefined;
    const address = to ?? recipient;
    if (!address) return invalidParameter("The parameter to is required.");
    const text = render(body);
    if (text === undefined) return invalidParameter("Param text['body'] is required.");

    const reply: SinkReply = {
      index: ++count,
      id: `wamid.LOCAL${idPrefix}${String(count).padStart(6, "0")}`,
      to: address,
      body: text,
      at: now().toISOString(),
    };
    replies.push(reply);
    if (replies.length > keep) replies.splice(0, replies.length - keep);
    print(describe(reply));
    wakeAll();
    const contact = to ? { input: to, wa_id: to } : { input: recipient, user_id: recipient };
    return Response.json({
      messaging_product: "whatsapp",
      contacts: [contact],
      messages: [{ id: reply.id }],
    });
  }

  /** GET /{phone_number_id}: what health's deep check reads to prove the token works. */
  async function readNumber(req: Request, pathId: string): Promise<Response> {
    const auth = req.headers.get("authorization") ?? "";
    if (!(await timingSafeEqual(auth, `Bearer ${accessToken}`))) {
      const message = "Invalid OAuth access token - Cannot parse access token";
      return metaError(401, { message, type: "OAuthException", code: 190 });
    }
    if (pathId !== phoneNumberId) {
      const message = `Unsupported get request. Object with ID '${pathId}' does not exist, cannot be ` +
        "loaded due to missing permissions, or does not support this operation.";
      return metaError(400, { message, type: "GraphMethodException", code: 100, error_subcode: 33 });
    }
    return Response.json({ id: phoneNumberId, quality_rating: "GREEN", verified_name: "Local sink" });
  }

  async function readReplies(url: URL): Promise<Response> {
    const after = Number(url.searchParams.get("after") ?? "0");
    const wait = Number(url.searchParams.get("wait") ?? "0");
    if (!Number.isInteger(after) || after < 0 || !Number.isFinite(wait) || wait < 0) {
      const message = "after must be a whole number and wait a number of seconds, both 0 or more";
      return Response.json({ error: "bad_request", message }, { status: 400 });
    }
    const to = url.searchParams.get("to") || undefined;
    const waitMs = Math.min(wait, MAX_POLL_SECONDS) * 1000;
    return Response.json(await poll({ to, after, waitMs }), {
      headers: { "cache-control": "no-store" },
    });
  }

  return {
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/graph/_replies" && req.method === "GET") {
        return await readReplies(url);
      }
      const match = MESSAGES_PATH.exec(url.pathname);
      if (match && req.method === "POST") return await send(req, decodeURIComponent(match[1]!));
      const node = NODE_PATH.exec(url.pathname);
      if (node && req.method === "GET") return await readNumber(req, decodeURIComponent(node[1]!));
      return invalidParameter(
        "The local Graph API sink serves POST /graph/v23.0/{phone_number_id}/messages and GET /graph/_replies",
      );
    },
    get replies() {
      return replies;
    },
    poll,
    close() {
      closed = true;
      wakeAll();
    },
  };
}

/** The words of a send: the text body, or the type and its object for anything else. */
function render(body: Record<string, unknown>): string | undefined {
  const type = typeof body.type === "string" ? body.type : "text";
  const content = body[type];
  if (type === "text") {
    const text = isObject(content) && typeof content.body === "string" ? content.body : "";
    return text.trim() ? text : undefined;
  }
  return content === undefined ? undefined : `[${type}] ${JSON.stringify(content)}`;
}

/** A reply as lines a person reads: who it went to (masked as the logger masks) and the body. */
function describe(reply: SinkReply): string {
  const lines = reply.body.split("\n").map((line) => (line ? `  | ${line}` : "  |"));
  return `graph sink: reply #${reply.index} to ${maskRecipient(reply.to)} (${reply.id})\n${
    lines.join("\n")
  }\n`;
}

/** `250788123456` becomes `250*****3456`; a user id `RW.1502576394655843` keeps its country prefix. */
export function maskRecipient(to: string): string {
  return /^\d+$/.test(to) ? maskMsisdn(to) : to.replace(/\d+/, (digits) => maskMsisdn(digits));
}

/** Resolves when `event` fires or `ms` pass, and leaves no timer behind. */
function wake(ms: number, event: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    event.then(done);
  });
}

function metaError(status: number, error: Record<string, unknown>): Response {
  return Response.json({ error: { ...error, ...TRACE } }, { status });
}

function invalidParameter(details: string): Response {
  const error = { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 };
  return metaError(400, { ...error, error_data: { messaging_product: "whatsapp", details } });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
