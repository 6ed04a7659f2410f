/**
 * tool-lookup-customer: POST {"msisdn"} with a tool API key → the customer and a voucher summary, the
 * codes masked (a leaked key must not list codes, and codes are all a redeem needs). Each key has an
 * allowance of app_settings.tool_lookup_per_minute calls, counted in Postgres so it holds across
 * isolates; past it the answer is 429 with Retry-After. request_log names the key by its fingerprint.
 */
import { lookupCustomer, toolLookupTake } from "../_shared/db/mod.ts";
import { createDeps, type Deps } from "../_shared/deps.ts";
import {
  HttpError,
  jsonResponse,
  lazyFetch,
  readJsonObject,
  requireBearer,
  requireMethod,
  serveFunction,
} from "../_shared/http/mod.ts";
import { msisdnToE164 } from "../_shared/msisdn.ts";
import { maskedSummary } from "../_shared/voucher_codes.ts";

export const MAX_BODY_BYTES = 16 * 1024;

/** Builds the lookup handler; `TOOL_API_KEYS` (one or two keys) guards it. */
export function createHandler(deps: Deps) {
  const keys = deps.config.toolApiKeys;
  if (!keys) throw new Error("tool-lookup-customer needs TOOL_API_KEYS");
  return serveFunction("tool-lookup-customer", deps, async (req, { log, attribute }) => {
    requireMethod(req, "POST");
    const { keyId } = await requireBearer(req, keys);
    attribute(keyId);
    const allowance = await toolLookupTake(deps.db, { p_key_id: keyId });
    if (!allowance.allowed) {
      const seconds = allowance.retry_after_seconds;
      throw new HttpError(
        429,
        "rate_limited",
        `Too many lookups with this key: at most ${allowance.limit} a minute; try again in ${seconds} s`,
        { headers: { "retry-after": String(seconds) } },
      );
    }
    const body = await readJsonObject(req, MAX_BODY_BYTES);
    if (!("msisdn" in body)) throw new HttpError(400, "bad_request:msisdn", "Body must have an msisdn field");
    const msisdn = msisdnToE164(body.msisdn);
    const started = deps.now();
    const found = await lookupCustomer(deps.db, { p_msisdn: msisdn });
    log.info("tool_call", found ? "lookup_customer found" : "lookup_customer not found", {
      tool: "lookup_customer",
      msisdn,
      key_id: keyId,
      found: Boolean(found),
      latency_ms: Math.round((deps.now() - started) * 10) / 10,
    });
    if (!found) throw new HttpError(404, "not_found:customer", "No customer has that number");
    return jsonResponse(maskedSummary(found));
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject(), ["TOOL_API_KEYS"]))),
} satisfies Deno.ServeDefaultExport;
