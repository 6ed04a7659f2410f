/** The WhatsApp Cloud API client: sends messages and read receipts, and turns every failure into a SendResult. */
import { z } from "zod";
import type { OutboundMessage } from "../conversation/mod.ts";
import type { MetaError, Recipient, SendResult } from "./types.ts";
import {
  encodeRead,
  encodeSend,
  metaErrorOf,
  ReadAnswer,
  type ReadBody,
  SendAnswer,
  SendBody,
} from "./wire.ts";

/** Sends through Meta's Graph API; never throws, every outcome is a SendResult. */
export interface GraphClient {
  /** Sends a message (text, or an approved template: the only kind Meta delivers outside the 24-hour
   * window); callbackData comes back as biz_opaque_callback_data in its statuses. */
  send(to: Recipient, message: OutboundMessage, callbackData?: string): Promise<SendResult>;
  /** Marks an inbound message read, optionally showing the typing indicator. */
  markRead(waMessageId: string, typing: boolean): Promise<SendResult>;
  /** Downloads an inbound message's media: GET /{media-id}, then its url, both with the bearer token.
   * Media over `maxBytes` (by the size Meta states) is not downloaded. The bytes are never kept. */
  media(mediaId: string, maxBytes: number): Promise<MediaResult>;
}

/** A media download: the bytes, or why there are none (too large: not fetched at all). */
export type MediaResult =
  | { ok: true; bytes: Uint8Array; mimeType: string }
  | { ok: false; kind: "too_large"; size: number }
  | { ok: false; kind: "failed"; title: string };

/** Meta's media object, GET /{media-id}: a URL valid for about 5 minutes, with its type and size. */
const MediaAnswer = z.looseObject({
  url: z.url(),
  mime_type: z.string(),
  file_size: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

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
  ...[131047, 131050, 100, 131026, 131051, 131052, 131053, 131008, 131009, 131021, 131030, 470].map((c) =>
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
  const root = options.graphUrl.replace(/\/+$/, "");
  const endpoint = `${root}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  const headers = { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" };
  const redact = (s: string) => s.replaceAll(accessToken, "[redacted]");

  async function post(
    payload: SendBody | ReadBody,
    idOf: (answer: unknown) => string | undefined,
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
    const answer = parseJson(text);
    if (response.ok) {
      const id = idOf(answer);
      if (id) return { ok: true, waMessageId: id };
      // Meta may have sent it: never retried, so a customer does not get the message twice.
      return { ok: false, kind: "fatal", httpStatus: response.status, title: "unexpected success answer" };
    }
    const result = classifyGraphFailure(
      response.status,
      metaErrorOf(answer),
      response.headers.get("retry-after"),
    );
    return result.ok ? result : { ...result, title: redact(result.title) };
  }

  const auth = { Authorization: `Bearer ${accessToken}` };

  async function media(mediaId: string, maxBytes: number): Promise<MediaResult> {
    const failed = (title: string): MediaResult => ({ ok: false, kind: "failed", title });
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const info = await options.fetch(`${root}/${encodeURIComponent(mediaId)}`, { headers: auth, signal });
      const meta = MediaAnswer.safeParse(parseJson(await info.text()));
      if (!info.ok || !meta.success) return failed(`media lookup: HTTP ${info.status}`);
      const { url, mime_type: mimeType, file_size: size } = meta.data;
      if (size !== undefined && size > maxBytes) return { ok: false, kind: "too_large", size };
      const file = await options.fetch(url, { headers: auth, signal });
      if (!file.ok) return (await file.body?.cancel(), failed(`media download: HTTP ${file.status}`));
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes.length > maxBytes) return { ok: false, kind: "too_large", size: bytes.length };
      return { ok: true, bytes, mimeType };
    } catch (err) {
      // Whatever fetch threw may quote the URL; only its kind leaves this function.
      return failed(err instanceof Error && err.name === "TimeoutError" ? "timeout" : "network error");
    }
  }

  return {
    media,
    send(to, message, callbackData) {
      if (!to.waId && !to.userId) return Promise.resolve(refuse("recipient has neither waId nor userId"));
      // What Meta would refuse (a blank or too long text, a template without a name) is refused here.
      const body = SendBody.safeParse(encodeSend(to, message, callbackData));
      if (!body.success) return Promise.resolve(refuse(z.prettifyError(body.error)));
      return post(body.data, (answer) => SendAnswer.safeParse(answer).data?.messages[0].id);
    },
    markRead(waMessageId, typing) {
      return post(
        encodeRead(waMessageId, typing),
        (answer) => (ReadAnswer.safeParse(answer).success ? waMessageId : undefined),
      );
    },
  };
}

/** A send that cannot succeed, refused before it reaches Meta. */
function refuse(title: string): SendResult {
  return { ok: false, kind: "fatal", title };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
