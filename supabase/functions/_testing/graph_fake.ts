/**
 * The one fake of Meta's Graph API (WhatsApp Cloud API), for tests and tools. A fetch handler answers
 * sends, read receipts and reads of the phone number as Meta does, records every request, fails on
 * script, and keeps each send as its OutboundMessage: bodies are checked and read with whatsapp/wire.ts
 * (SendBody, decodeSend), so a new kind of outbound message needs no change here. startFakeGraph()
 * serves it on loopback (tests, soak, bench, DR drill); the dev gateway mounts it at /graph/
 * (scripts/local/graph_sink.ts), where `deno task chat` long-polls GET /graph/_replies.
 */
import { timingSafeEqual } from "../_shared/secrets.ts";
import { createGraphClient, type GraphClient } from "../_shared/whatsapp/mod.ts";
import { createMediaStore, type FakeMediaStore } from "./graph_media.ts";
import {
  createPairRate,
  decode,
  failureAnswer,
  type FakeFailure,
  type FakeSend,
  invalidParameter,
  metaErrorBody,
  noSuchObject,
  parseJson,
  phoneNumberAnswer,
  tokenRefused,
} from "./graph_protocol.ts";

export { type FakeFailure, type FakeSend, metaErrorBody } from "./graph_protocol.ts";
export type { FakeMedia, FakeMediaStore } from "./graph_media.ts";

/** A send the fake accepted: its wamid, its place in order (1, 2, ...: what a poll's `after` counts), when. */
export interface FakeSent extends FakeSend {
  index: number;
  id: string;
  /** ISO time, from the fake's clock. */
  at: string;
}

/** A request as the fake received it; headers have lowercase names. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  time: Date;
  /** The send the body reads as, when it is a valid one (accepted or failed on script). */
  send?: FakeSend;
}

/** Who the fake is, and what the tools that mount it want from it. */
export interface FakeGraphOptions {
  phoneNumberId?: string;
  accessToken?: string;
  /** ids are wamid.<idPrefix><n> (default FAKE) */
  idPrefix?: string;
  /** The path the handler is mounted under ("/graph" in the dev gateway); none by default. */
  mount?: string;
  /** How many of each record (requests, sent, reads, violations) are kept; all by default. */
  keep?: number;
  now?: () => Date;
  /** Told of each accepted send (the dev gateway prints it, the bench times it). */
  onSend?: (sent: FakeSent) => void;
  /** Told why a request was refused: a wrong token, another number, what Meta would not take. */
  onRefuse?: (reason: string) => void;
}

/** What a poll asks for: sends to `to` (wa_id with or without +, or user id; anyone when absent) after `after`. */
export interface PollQuery {
  to?: string;
  after: number;
  waitMs: number;
}

/** The fake as a fetch handler, with its records; stop() ends what waits. */
export interface FakeGraphHandler {
  /** POST /v23.0/{phone-number-id}/messages, GET /v23.0/{phone-number-id}, GET /_replies (under `mount`). */
  fetch(req: Request): Promise<Response>;
  phoneNumberId: string;
  accessToken: string;
  requests: FakeRequest[];
  sent: FakeSent[];
  reads: { messageId: string; typing: boolean }[];
  /** Requests no real client should make; a test that provokes one splices it out. */
  violations: string[];
  /** Inbound media it serves (GET /{media-id} and the url it gives), and what was fetched. */
  media: FakeMediaStore;
  /** The next n valid requests fail this way, in order after those already scripted. */
  failNext(n: number, failure: FakeFailure): void;
  /** From now on anything but a template to this wa_id or user id is refused with 131047 (the customer
   * has not written for 24 hours), as Meta does. */
  closeWindow(recipient: string): void;
  /** From now on a send to a recipient within `ms` of the last one accepted for them is refused with
   * 131056 (pair rate limit hit), as Meta does. */
  pairRate(ms: number): void;
  /** The matching sends, waiting up to `waitMs` for the first one. */
  poll(query: PollQuery): Promise<FakeSent[]>;
  /** The real GraphClient, talking to this fake in-process (no socket). */
  client(overrides?: Partial<Parameters<typeof createGraphClient>[0]>): GraphClient;
  /** Ends hung and late answers and waiting polls; later polls answer at once. */
  stop(): void;
}

/** The fake served on loopback; close() throws when a request broke the protocol and the test did not take it. */
export interface FakeGraph extends FakeGraphHandler {
  /** Use as WHATSAPP_GRAPH_URL, e.g. http://127.0.0.1:PORT/v23.0. */
  url: string;
  close(): Promise<void>;
}

/** The longest a GET /_replies waits, in seconds. */
export const MAX_POLL_SECONDS = 25;

const MESSAGES = /^\/v\d+\.\d+\/([^/]+)\/messages$/;
const NODE = /^\/v\d+\.\d+\/([^/]+)$/;

/** Builds the fake; nothing listens until something routes requests to `fetch`. */
export function createFakeGraph(options: FakeGraphOptions = {}): FakeGraphHandler {
  const phoneNumberId = options.phoneNumberId ?? "106540352242922";
  const accessToken = options.accessToken ?? "EAAFakeGraphAccessToken0123456789";
  const { mount = "", keep = Infinity, now = () => new Date(), idPrefix = "FAKE" } = options;
  const requests: FakeRequest[] = [];
  const sent: FakeSent[] = [];
  const reads: FakeGraphHandler["reads"] = [];
  const violations: string[] = [];
  const script: FakeFailure[] = [];
  const windowClosed = new Set<string>();
  const pairRate = createPairRate();
  const media = createMediaStore(phoneNumberId);
  const stopping = Promise.withResolvers<void>();
  let stopped = false;
  let counter = 0;
  let arrived = Promise.withResolvers<void>();
  const wake = () => {
    arrived.resolve();
    arrived = Promise.withResolvers<void>();
  };
  const remember = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > keep) list.splice(0, list.length - keep);
  };
  const refuse = (reason: string, answer: Response) => (options.onRefuse?.(reason), answer);
  const violation = (what: string, details: string) => {
    remember(violations, what);
    return refuse(details, invalidParameter(details));
  };
  const authorized = (headers: Headers) =>
    timingSafeEqual(headers.get("authorization") ?? "", `Bearer ${accessToken}`);

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const route = url.pathname.startsWith(`${mount}/`) ? url.pathname.slice(mount.length) : "";
    if (req.method === "GET" && route === "/_replies") return await readReplies(url.searchParams);
    const served = await media.handle(req, route, mount, await authorized(req.headers));
    if (served) return served;
    const text = await req.text();
    const request: FakeRequest = {
      method: req.method,
      path: url.pathname,
      headers: Object.fromEntries(req.headers),
      body: parseJson(text),
      time: now(),
    };
    remember(requests, request);
    const node = NODE.exec(route);
    if (req.method === "GET" && node) return await readPhoneNumber(node[1]!, url.searchParams, req.headers);
    const match = MESSAGES.exec(route);
    if (req.method !== "POST" || !match) {
      const what = `${req.method} ${url.pathname}: not POST ${mount}/v23.0/{phone-number-id}/messages`;
      return violation(what, "Unknown path components");
    }
    if (!(await authorized(req.headers))) return refuse("wrong access token", tokenRefused());
    const id = decodeURIComponent(match[1]!);
    if (id !== phoneNumberId) return refuse(`no phone number ${id}`, noSuchObject("post", id));
    const decoded = decode(req.headers.get("content-type"), request.body);
    if ("problem" in decoded) {
      return violation(`POST ${url.pathname}: ${decoded.problem}: ${text.slice(0, 200)}`, decoded.problem);
    }
    if (decoded.send) request.send = decoded.send;
    const failure = script.shift();
    if (failure && "hang" in failure) {
      await settle(undefined, stopping.promise);
      return new Response(null, { status: 504 });
    }
    if (failure && "delayMs" in failure) await settle(failure.delayMs, stopping.promise);
    else if (failure) return failureAnswer(failure);
    // A late answer still counts: Meta may send a message whose answer the client gave up on.
    if (decoded.read) {
      remember(reads, decoded.read);
      return Response.json({ success: true });
    }
    return accept(decoded.send);
  }

  function accept(send: FakeSend): Response {
    // Outside the window Meta delivers templates only, whatever other kinds it learns to send.
    const recipient = send.to ?? send.recipient ?? "";
    if (send.message.type !== "template" && windowClosed.has(recipient)) {
      return Response.json(metaErrorBody(131047), { status: 400 });
    }
    const tooSoon = pairRate.refusal(recipient, now().getTime());
    if (tooSoon) return tooSoon;
    pairRate.accepted(recipient, now().getTime());
    const index = ++counter;
    const accepted: FakeSent = { index, id: `wamid.${idPrefix}${index}`, ...send, at: now().toISOString() };
    remember(sent, accepted);
    options.onSend?.(accepted);
    wake();
    const contact = send.to
      ? { input: send.to, wa_id: send.to }
      : { input: send.recipient, user_id: send.recipient };
    return Response.json({
      messaging_product: "whatsapp",
      contacts: [contact],
      messages: [{ id: accepted.id }],
    });
  }

  /** GET /{phone-number-id}?fields=...: the fields asked for (id always), as the Cloud API answers. */
  async function readPhoneNumber(raw: string, query: URLSearchParams, headers: Headers): Promise<Response> {
    if (!(await authorized(headers))) return refuse("wrong access token", tokenRefused());
    const id = decodeURIComponent(raw);
    if (id !== phoneNumberId) return refuse(`no phone number ${id}`, noSuchObject("get", id));
    return phoneNumberAnswer(id, query);
  }

  async function poll({ to, after, waitMs }: PollQuery): Promise<FakeSent[]> {
    const wanted = to?.replace(/^\+/, "");
    const deadline = performance.now() + waitMs;
    for (;;) {
      const next = arrived.promise;
      const found = sent.filter((s) =>
        s.index > after && (wanted === undefined || (s.to ?? s.recipient) === wanted)
      );
      const left = deadline - performance.now();
      if (found.length || stopped || left <= 0) return found;
      await settle(left, next);
    }
  }

  /** GET /_replies?to=&after=&wait=: what `deno task chat` long-polls. */
  async function readReplies(query: URLSearchParams): Promise<Response> {
    const after = Number(query.get("after") ?? "0");
    const wait = Number(query.get("wait") ?? "0");
    if (!Number.isInteger(after) || after < 0 || !Number.isFinite(wait) || wait < 0) {
      const message = "after must be a whole number and wait a number of seconds, both 0 or more";
      return Response.json({ error: "bad_request", message }, { status: 400 });
    }
    const found = await poll({
      to: query.get("to") || undefined,
      after,
      waitMs: Math.min(wait, MAX_POLL_SECONDS) * 1000,
    });
    return Response.json(found, { headers: { "cache-control": "no-store" } });
  }

  return {
    fetch: handle,
    phoneNumberId,
    accessToken,
    requests,
    sent,
    reads,
    violations,
    media,
    failNext(n, failure) {
      for (let i = 0; i < n; i++) script.push(failure);
    },
    closeWindow(recipient) {
      windowClosed.add(recipient);
    },
    pairRate: pairRate.set,
    poll,
    client(overrides = {}) {
      const graphUrl = `http://graph.fake${mount}/v23.0`;
      const fetch = (input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init));
      return createGraphClient({ graphUrl, phoneNumberId, accessToken, fetch, ...overrides });
    },
    stop() {
      stopped = true;
      stopping.resolve();
      wake();
    },
  };
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export function startFakeGraph(options: FakeGraphOptions = {}): FakeGraph {
  const fake = createFakeGraph(options);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, fake.fetch);
  const { port } = server.addr as Deno.NetAddr;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}${options.mount ?? ""}/v23.0`,
    async close() {
      fake.stop();
      await server.shutdown();
      if (fake.violations.length) {
        throw new Error(`Fake Graph API saw protocol violations:\n${fake.violations.join("\n")}`);
      }
    },
  };
}

/** Resolves after ms (never, when undefined) or when `event` settles, and leaves no timer behind. */
function settle(ms: number | undefined, event: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    event.then(done);
  });
}
