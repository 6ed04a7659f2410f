/** A fake WhatsApp Cloud API on loopback: records every request, answers Meta's real bodies, fails on script. */

/** One scripted failure: a bare HTTP status, a Meta error code, a late answer, or none at all. */
export type FakeFailure =
  | { status: number; retryAfter?: number }
  | { metaCode: number; status?: number; retryAfter?: number }
  | { delayMs: number }
  | { hang: true };

/** A request as the fake received it; headers have lowercase names. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  time: Date;
}

/** A text or template message the fake accepted. */
export interface FakeSent {
  to?: string;
  recipient?: string;
  /** The text, or a template's body parameters joined by spaces. */
  body: string;
  template?: { name: string; language: string; parameters: string[] };
  callbackData?: string;
  id: string;
}

/** A running fake; close() throws when a request broke the protocol and the test did not take it. */
export interface FakeGraph {
  /** Use as WHATSAPP_GRAPH_URL, e.g. http://127.0.0.1:PORT/v23.0. */
  url: string;
  phoneNumberId: string;
  accessToken: string;
  requests: FakeRequest[];
  sent: FakeSent[];
  reads: { messageId: string; typing: boolean }[];
  /** Requests no real client should make; a test that provokes one splices it out. */
  violations: string[];
  /** The next n valid requests fail this way, in order after those already scripted. */
  failNext(n: number, failure: FakeFailure): void;
  /** From now on a text to this wa_id or user id is refused with 131047 (the customer has not written
   * for 24 hours), as Meta does; templates still go through. */
  closeWindow(recipient: string): void;
  close(): Promise<void>;
}

const VERSION = "v23.0";

/** Meta's message and details for the codes tests use; others get a generic "(#code)" message. */
const META_ERRORS: Record<number, [string, string?]> = {
  131047: [
    "(#131047) Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
  ],
  130429: ["(#130429) Rate limit hit", "Cloud API message throughput has been reached."],
  131056: [
    "(#131056) (Business Account, Consumer Account) pair rate limit hit",
    "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
  ],
  190: ["Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT."],
  100: ["(#100) Invalid parameter"],
  131026: ["(#131026) Message undeliverable", "Unable to deliver message."],
  131000: ["(#131000) Something went wrong", "Message failed to send due to an unknown error."],
  133004: ["(#133004) Server temporarily unavailable"],
  80007: ["(#80007) Rate limit issues", "The WhatsApp Business Account has reached its rate limit."],
  4: ["(#4) Application request limit reached"],
  10: ["(#10) Application does not have permission for this action"],
};
const DEFAULT_STATUS: Record<number, number> = { 190: 401, 130429: 429, 131000: 500, 133004: 503 };

/** Meta's error body for a code, as the Cloud API answers it. */
export function metaErrorBody(code: number, details?: string): { error: Record<string, unknown> } {
  const [message, known] = META_ERRORS[code] ?? [`(#${code}) Fake Graph API error`];
  const error: Record<string, unknown> = { message, type: "OAuthException", code };
  if (code === 190) error.error_subcode = 463;
  else error.error_data = { messaging_product: "whatsapp", details: details ?? known ?? message };
  error.fbtrace_id = "AFakeTraceId0123456789";
  return { error };
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export function startFakeGraph(
  options: {
    phoneNumberId?: string;
    accessToken?: string; /** ids are wamid.<prefix><n> */
    idPrefix?: string;
  } = {},
): FakeGraph {
  const phoneNumberId = options.phoneNumberId ?? "106540352242922";
  const accessToken = options.accessToken ?? "EAAFakeGraphAccessToken0123456789";
  const requests: FakeRequest[] = [];
  const sent: FakeSent[] = [];
  const reads: FakeGraph["reads"] = [];
  const violations: string[] = [];
  const script: FakeFailure[] = [];
  const closed = new Set<string>();
  const closing = Promise.withResolvers<void>();
  let counter = 0;

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const text = await req.text();
    const body = parseJson(text);
    requests.push({
      method: req.method,
      path,
      headers: Object.fromEntries(req.headers),
      body,
      time: new Date(),
    });
    if (req.method === "GET" && /^\/v23\.0\/[^/]+$/.test(path)) {
      return readPhoneNumber(path.slice(`/${VERSION}/`.length), new URL(req.url).searchParams, req.headers);
    }
    const match = path.match(/^\/v23\.0\/([^/]+)\/messages$/);
    if (req.method !== "POST" || !match) {
      violations.push(`${req.method} ${path}: not POST /${VERSION}/{phone-number-id}/messages`);
      return json(400, metaErrorBody(100, "Unknown path components"));
    }
    if (req.headers.get("authorization") !== `Bearer ${accessToken}`) return tokenRefused();
    if (match[1] !== phoneNumberId) return noSuchObject("post", match[1]!);
    const problem = validate(req.headers.get("content-type"), body);
    if (problem) {
      violations.push(`POST ${path}: ${problem}: ${text.slice(0, 200)}`);
      return json(400, metaErrorBody(100, problem));
    }
    const failure = script.shift();
    if (failure && "hang" in failure) {
      await settle(undefined, closing.promise);
      return new Response(null, { status: 504 });
    }
    if (failure && "delayMs" in failure) await settle(failure.delayMs, closing.promise);
    else if (failure) return failureAnswer(failure);
    // A late answer still counts: Meta may send a message whose answer the client gave up on.
    const request = body as Record<string, unknown>;
    if (request.status === "read") {
      reads.push({ messageId: String(request.message_id), typing: "typing_indicator" in request });
      return json(200, { success: true });
    }
    const { to, recipient, biz_opaque_callback_data: callbackData } = request;
    if (request.type === "text" && closed.has(String(to ?? recipient))) {
      return json(400, metaErrorBody(131047));
    }
    const id = `wamid.${options.idPrefix ?? "FAKE"}${++counter}`;
    const message: FakeSent = request.type === "template"
      ? templateSent(request.template as Record<string, unknown>, id)
      : { body: String((request.text as Record<string, unknown>).body), id };
    if (typeof to === "string") message.to = to;
    if (typeof recipient === "string") message.recipient = recipient;
    if (typeof callbackData === "string") message.callbackData = callbackData;
    sent.push(message);
    const contact = typeof to === "string"
      ? { input: to, wa_id: to }
      : { input: recipient, user_id: recipient };
    return json(200, { messaging_product: "whatsapp", contacts: [contact], messages: [{ id }] });
  });
  const { port } = server.addr as Deno.NetAddr;

  /** GET /{phone-number-id}?fields=...: the fields asked for (id always), as the Cloud API answers. */
  function readPhoneNumber(id: string, query: URLSearchParams, headers: Headers): Response {
    if (headers.get("authorization") !== `Bearer ${accessToken}`) return tokenRefused();
    if (id !== phoneNumberId) return noSuchObject("get", id);
    const node: Record<string, string> = {
      id,
      display_phone_number: "+250 788 000 000",
      verified_name: "Voucher Shop",
      quality_rating: "GREEN",
      platform_type: "CLOUD_API",
      code_verification_status: "VERIFIED",
    };
    const fields = (query.get("fields") ?? "verified_name,code_verification_status,display_phone_number," +
        "quality_rating,platform_type").split(",").map((f) => f.trim());
    return json(
      200,
      Object.fromEntries(Object.entries(node).filter(([k]) => k === "id" || fields.includes(k))),
    );
  }

  return {
    url: `http://127.0.0.1:${port}/${VERSION}`,
    phoneNumberId,
    accessToken,
    requests,
    sent,
    reads,
    violations,
    failNext(n, failure) {
      for (let i = 0; i < n; i++) script.push(failure);
    },
    closeWindow(recipient) {
      closed.add(recipient);
    },
    async close() {
      closing.resolve();
      await server.shutdown();
      if (violations.length) {
        throw new Error(`Fake Graph API saw protocol violations:\n${violations.join("\n")}`);
      }
    },
  };
}

/** Meta's answer to a token it cannot use: 401, OAuthException code 190. */
function tokenRefused(): Response {
  const error = { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException" };
  return json(401, { error: { ...error, code: 190, fbtrace_id: "AFakeTraceId0123456789" } });
}

/** Meta's answer for an object id that does not exist or this token may not reach: code 100, subcode 33. */
function noSuchObject(method: "get" | "post", id: string): Response {
  const message = `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be ` +
    "loaded due to missing permissions, or does not support this operation.";
  const error = { message, type: "GraphMethodException", code: 100, error_subcode: 33 };
  return json(400, { error: { ...error, fbtrace_id: "AFakeTraceId0123456789" } });
}

function failureAnswer(failure: { status?: number; metaCode?: number; retryAfter?: number }): Response {
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers["Retry-After"] = String(failure.retryAfter);
  if (failure.metaCode === undefined) {
    // A bare status answers as a proxy or load balancer would: no Meta error body.
    return new Response(`fake status ${failure.status}`, { status: failure.status ?? 500, headers });
  }
  const status = failure.status ?? DEFAULT_STATUS[failure.metaCode] ?? 400;
  return json(status, metaErrorBody(failure.metaCode), headers);
}

/** Why a body is not a valid text send or mark-read, or undefined when it is. */
function validate(contentType: string | null, body: unknown): string | undefined {
  if (!contentType?.startsWith("application/json")) return `Content-Type is ${contentType}`;
  if (!isObject(body)) return "body is not a JSON object";
  if (body.messaging_product !== "whatsapp") return 'messaging_product is not "whatsapp"';
  if ("status" in body) {
    if (body.status !== "read") return 'status is not "read"';
    if (typeof body.message_id !== "string" || !body.message_id) return "message_id is missing";
    const typing = body.typing_indicator;
    if (typing !== undefined && !(isObject(typing) && typing.type === "text")) {
      return "typing_indicator is invalid";
    }
    return undefined;
  }
  const addresses = [body.to, body.recipient].filter((a) => typeof a === "string" && a !== "");
  if (addresses.length !== 1) return "exactly one of to and recipient must be given";
  if (body.recipient_type !== undefined && body.recipient_type !== "individual") {
    return "recipient_type is invalid";
  }
  if (body.type === "template") return validateTemplate(body.template);
  if (body.type !== "text") return `type ${JSON.stringify(body.type)} is not supported by the fake`;
  const text = body.text;
  if (!isObject(text) || typeof text.body !== "string" || !text.body.trim()) return "text.body is missing";
  if (text.body.length > 4096) return `text.body is ${text.body.length} characters, over 4096`;
  const callback = body.biz_opaque_callback_data;
  if (callback !== undefined && (typeof callback !== "string" || callback.length > 512)) {
    return "biz_opaque_callback_data is not a string of at most 512 characters";
  }
  return undefined;
}

/** Why a template object is not one Meta takes (name, language.code, body text parameters), or undefined. */
function validateTemplate(template: unknown): string | undefined {
  if (!isObject(template) || typeof template.name !== "string" || !template.name) {
    return "template.name is missing";
  }
  if (!isObject(template.language) || typeof template.language.code !== "string") {
    return "template.language.code is missing";
  }
  const components = template.components;
  if (components === undefined) return undefined;
  if (!Array.isArray(components)) return "template.components is not an array";
  for (const c of components) {
    if (!isObject(c) || c.type !== "body" || !Array.isArray(c.parameters)) return "a component is not a body";
    if (
      !c.parameters.every((p) => isObject(p) && p.type === "text" && typeof p.text === "string" && p.text)
    ) {
      return "a body parameter is not a non-empty text";
    }
  }
  return undefined;
}

function templateSent(template: Record<string, unknown>, id: string): FakeSent {
  const components = (template.components ?? []) as { parameters: { text: string }[] }[];
  const parameters = components.flatMap((c) => c.parameters.map((p) => p.text));
  const language = String((template.language as Record<string, unknown>).code);
  return { body: parameters.join(" "), template: { name: String(template.name), language, parameters }, id };
}

/** Resolves after ms (never, when undefined), or as soon as the fake closes so shutdown need not wait. */
function settle(ms: number | undefined, closing: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    closing.then(done);
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
