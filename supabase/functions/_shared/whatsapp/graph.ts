/** The WhatsApp Cloud API client: sends texts and read receipts, and turns every failure into a SendResult. */
import { MAX_TEXT_LENGTH } from "./split.ts";
import type { MetaError, Recipient, SendResult, Template } from "./types.ts";

/** Sends through Meta's Graph API; never throws, every outcome is a SendResult. */
export interface GraphClient {
  /** Sends a text message; callbackData comes back as biz_opaque_callback_data in its statuses. */
  sendText(to: Recipient, body: string, callbackData?: string): Promise<SendResult>;
  /** Sends an approved template (the only kind Meta delivers outside the 24-hour window). */
  sendTemplate(to: Recipient, template: Template, callbackData?: string): Promise<SendResult>;
  /** Marks an inbound message read, optionally showing the typing indicator. */
  markRead(waMessageId: string, typing: boolean): Promise<SendResult>;
}

/** What createGraphClient needs: the Graph URL with its version, the business number and its token. */
export interface GraphClientOptions {
  graphUrl: string;
  phoneNumberId: string;
  accessToken: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** Meta's refusal of a free-form message outside the 24-hour customer-service window. */
export const OUTSIDE_WINDOW = 131047;

/** How long one Graph API call may take, answer body included. */
export const DEFAULT_GRAPH_TIMEOUT_MS = 10_000;

type Failure = Extract<SendResult, { ok: false }>;
type Kind = Failure["kind"];

const KIND_BY_CODE = new Map<number, Kind>([
  ...[131047, 100, 131026, 131051, 131052, 131053, 131008, 131009, 131021, 131030, 470].map((c) =>
    [c, "fatal"] as const
  ),
  ...[130429, 131056, 80007, 4, 613].map((c) => [c, "backoff"] as const),
  ...[190, 10, 200].map((c) => [c, "auth"] as const),
  ...[131000, 131016, 1, 2, 133004].map((c) => [c, "retry"] as const),
]);

/** Decides what a failed Graph API call means: Meta's error code first, then the HTTP status. */
export function classifyGraphFailure(
  httpStatus: number | undefined,
  error: MetaError | undefined,
  retryAfter: string | null,
): SendResult {
  const kind = (error && KIND_BY_CODE.get(error.code)) ?? kindByStatus(httpStatus, error);
  const title = error?.message ?? error?.title ??
    (httpStatus === undefined ? "network error" : `HTTP ${httpStatus}`);
  const result: Failure = { ok: false, kind, title };
  if (httpStatus !== undefined) result.httpStatus = httpStatus;
  if (error) result.code = error.code;
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return result;
}

function kindByStatus(httpStatus: number | undefined, error: MetaError | undefined): Kind {
  if (httpStatus === undefined || httpStatus >= 500) return "retry";
  if (httpStatus === 429) return error?.code === 130429 ? "backoff" : "retry";
  // A 401 without Meta's code 190 is still a token problem (a proxy's, say): keep the message for later.
  if (httpStatus === 401) return "auth";
  return "fatal";
}

/** Retry-After in whole seconds; an HTTP date is not worth a clock here, Meta sends seconds. */
function parseRetryAfter(value: string | null): number | undefined {
  const trimmed = value?.trim();
  return trimmed && /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : undefined;
}

/** Builds a GraphClient; throws (without the token) when the token cannot go in a header. */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const { accessToken, timeoutMs = DEFAULT_GRAPH_TIMEOUT_MS } = options;
  if (!/^[\x21-\x7e]+$/.test(accessToken)) {
    throw new TypeError(
      "Cannot create Graph client: accessToken is empty or has characters a header cannot carry",
    );
  }
  const endpoint = `${options.graphUrl.replace(/\/+$/, "")}/${
    encodeURIComponent(options.phoneNumberId)
  }/messages`;
  const headers = { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" };
  const redact = (s: string) => s.replaceAll(accessToken, "[redacted]");

  async function post(
    payload: Record<string, unknown>,
    idOf: (answer: Record<string, unknown>) => string | undefined,
  ): Promise<SendResult> {
    let response: Response;
    let text: string;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      response = await options.fetch(endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
        signal,
      });
      text = await response.text();
    } catch (err) {
      // Whatever fetch threw may quote the request; only its kind leaves this function.
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      return { ok: false, kind: "retry", title: timedOut ? "timeout" : "network error" };
    }
    const answer = parseJsonObject(text);
    if (response.ok) {
      const id = answer && idOf(answer);
      if (id) return { ok: true, waMessageId: id };
      // Meta may have sent it: never retried, so a customer does not get the message twice.
      return { ok: false, kind: "fatal", httpStatus: response.status, title: "unexpected success answer" };
    }
    const result = classifyGraphFailure(
      response.status,
      metaError(answer),
      response.headers.get("retry-after"),
    );
    return result.ok ? result : { ...result, title: redact(result.title) };
  }

  /** A message to `to`: the common envelope, `content` and the callback data; answers with its id. */
  function send(to: Recipient, content: Record<string, unknown>, callbackData?: string) {
    const address = to.waId ? { to: to.waId } : to.userId ? { recipient: to.userId } : undefined;
    if (!address) return Promise.resolve(refuse("recipient has neither waId nor userId"));
    return post({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...address,
      ...content,
      ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}),
    }, (a) => {
      const first = Array.isArray(a.messages) ? asObject(a.messages[0]) : undefined;
      return typeof first?.id === "string" ? first.id : undefined;
    });
  }

  return {
    sendText(to, body, callbackData) {
      if (!body.trim()) return Promise.resolve(refuse("text body is empty"));
      if (body.length > MAX_TEXT_LENGTH) {
        return Promise.resolve(refuse(`text body is over ${MAX_TEXT_LENGTH} characters`));
      }
      return send(to, { type: "text", text: { preview_url: false, body } }, callbackData);
    },
    sendTemplate(to, template, callbackData) {
      if (!template.name || !template.language) {
        return Promise.resolve(refuse("template has no name or language"));
      }
      const parameters = template.parameters.map((text) => ({ type: "text", text }));
      return send(to, {
        type: "template",
        template: {
          name: template.name,
          language: { code: template.language },
          ...(parameters.length ? { components: [{ type: "body", parameters }] } : {}),
        },
      }, callbackData);
    },
    markRead(waMessageId, typing) {
      return post({
        messaging_product: "whatsapp",
        status: "read",
        message_id: waMessageId,
        ...(typing ? { typing_indicator: { type: "text" } } : {}),
      }, (a) => (a.success === true ? waMessageId : undefined));
    },
  };
}

/** A send that cannot succeed, refused before it reaches Meta. */
function refuse(title: string): SendResult {
  return { ok: false, kind: "fatal", title };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** Meta's `{"error":{message, code, error_user_title?, error_data:{details}}}`, when the body is one. */
function metaError(answer: Record<string, unknown> | undefined): MetaError | undefined {
  const error = asObject(answer?.error);
  if (!error || typeof error.code !== "number") return undefined;
  const result: MetaError = { code: error.code };
  if (typeof error.message === "string") result.message = error.message;
  if (typeof error.error_user_title === "string") result.title = error.error_user_title;
  const details = asObject(error.error_data)?.details;
  if (typeof details === "string") result.details = details;
  return result;
}
