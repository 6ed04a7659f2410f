/**
 * The deep health check: each credential tried against its service (the OpenAI key reads the
 * configured model, the WhatsApp token reads the business phone number), with short timeouts. The
 * result is cached per isolate and concurrent callers share one run, so however often deep health is
 * called, each service sees at most one request per isolate every DEEP_CACHE_MS.
 */
import OpenAI from "openai";
import { toModelError } from "../agent/mod.ts";
import type { Config } from "../config.ts";
import { isObject } from "../json.ts";
import { classifyGraphFailure } from "../whatsapp/mod.ts";

/** How long each service may take to answer. */
export const DEEP_TIMEOUT_MS = 3_000;
/** How long a result is reused. */
export const DEEP_CACHE_MS = 30_000;

/** One credential's check; never a secret, a number or a name in it. */
export interface CredentialCheck {
  /** true: the service accepted the credential; false: it did not; null: not configured, not tried. */
  ok: boolean | null;
  latency_ms?: number;
  /** Why not: not_configured, auth, model_not_found, timeout, network, ... */
  error?: string;
  http_status?: number;
  /** Meta's error code (190: the token is invalid or expired). */
  code?: number;
  /** WhatsApp's quality rating of the number (GREEN, YELLOW, RED), when it answered. */
  quality_rating?: string;
}

export interface DeepResult {
  openai: CredentialCheck;
  whatsapp: CredentialCheck;
  checked_at: string;
  /** Seconds since the checks ran; 0 when this request ran them. */
  age_seconds: number;
}

export interface DeepCheckOptions {
  config: Pick<Config, "openai" | "whatsapp">;
  fetch: typeof fetch;
  /** Monotonic milliseconds; injected so a test moves time past the cache. */
  now: () => number;
  timeoutMs?: number;
  cacheMs?: number;
}

/** Builds the deep check with its per-isolate cache; `run()` answers from the cache while it is fresh. */
export function createDeepCheck(o: DeepCheckOptions): { run(): Promise<DeepResult> } {
  const timeoutMs = o.timeoutMs ?? DEEP_TIMEOUT_MS;
  const cacheMs = o.cacheMs ?? DEEP_CACHE_MS;
  let cached: { at: number; result: Promise<Omit<DeepResult, "age_seconds">> } | undefined;

  const timed = async (check: () => Promise<CredentialCheck>): Promise<CredentialCheck> => {
    const started = o.now();
    const result = await check();
    return result.ok === null ? result : { ...result, latency_ms: Math.round(o.now() - started) };
  };

  const runChecks = async () => {
    const [openai, whatsapp] = await Promise.all([
      timed(() => checkOpenAI(o, timeoutMs)),
      timed(() => checkWhatsApp(o, timeoutMs)),
    ]);
    return { openai, whatsapp, checked_at: new Date().toISOString() };
  };

  return {
    async run() {
      if (!cached || o.now() - cached.at >= cacheMs) cached = { at: o.now(), result: runChecks() };
      const { at, result } = cached;
      return { ...(await result), age_seconds: Math.floor((o.now() - at) / 1000) };
    },
  };
}

/** GET /models/{model} through the SDK, as the agent's client would reach it (OPENAI_BASE_URL honoured). */
async function checkOpenAI(o: DeepCheckOptions, timeoutMs: number): Promise<CredentialCheck> {
  const { apiKey, baseUrl, model } = o.config.openai;
  if (!apiKey) return { ok: null, error: "not_configured" };
  try {
    const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, fetch: o.fetch });
    await client.models.retrieve(model, { timeout: timeoutMs });
    return { ok: true };
  } catch (cause) {
    const error = toModelError(cause);
    const notFound = error.status === 404;
    return {
      ok: false,
      error: notFound ? "model_not_found" : error.kind,
      ...(error.status !== undefined ? { http_status: error.status } : {}),
    };
  }
}

/** GET {graph}/{phone-number-id}: the token can read the business number it sends from. */
async function checkWhatsApp(o: DeepCheckOptions, timeoutMs: number): Promise<CredentialCheck> {
  const { accessToken, phoneNumberId, graphUrl } = o.config.whatsapp;
  if (!accessToken || !phoneNumberId) return { ok: null, error: "not_configured" };
  const url = `${graphUrl}/${encodeURIComponent(phoneNumberId)}?fields=id,quality_rating`;
  let response: Response;
  let body: unknown;
  try {
    response = await o.fetch(url, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.json().catch(() => undefined);
  } catch (err) {
    // Whatever fetch threw may quote the URL or headers: only its kind leaves.
    return { ok: false, error: err instanceof Error && err.name === "TimeoutError" ? "timeout" : "network" };
  }
  const answer = isObject(body) ? body : {};
  if (response.ok && answer.id === phoneNumberId) {
    const rating = answer.quality_rating;
    return { ok: true, ...(typeof rating === "string" ? { quality_rating: rating } : {}) };
  }
  const error = isObject(answer.error) && typeof answer.error.code === "number"
    ? { code: answer.error.code }
    : undefined;
  const failure = classifyGraphFailure(response.status, error, null);
  return {
    ok: false,
    // 100: the number does not exist or this token may not read it; 190 and other refusals: auth.
    error: response.ok
      ? "unexpected_answer"
      : error?.code === 100
      ? "phone_number_not_readable"
      : failure.ok
      ? "unknown"
      : failure.kind,
    http_status: response.status,
    ...(error ? { code: error.code } : {}),
  };
}
