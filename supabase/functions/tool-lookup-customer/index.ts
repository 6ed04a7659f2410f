/** tool-lookup-customer: POST {"msisdn"} with a tool API key → the customer and a voucher summary. */
import { lookupCustomer } from "../_shared/db/mod.ts";
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

export const MAX_BODY_BYTES = 16 * 1024;

/** Builds the lookup handler; `TOOL_API_KEYS` (one or two keys) guards it. */
export function createHandler(deps: Deps) {
  const keys = deps.config.toolApiKeys;
  if (!keys) throw new Error("tool-lookup-customer needs TOOL_API_KEYS");
  return serveFunction("tool-lookup-customer", deps, async (req, { log }) => {
    requireMethod(req, "POST");
    await requireBearer(req, keys);
    const body = await readJsonObject(req, MAX_BODY_BYTES);
    if (!("msisdn" in body)) throw new HttpError(400, "bad_request:msisdn", "Body must have an msisdn field");
    const msisdn = msisdnToE164(body.msisdn);
    const started = deps.now();
    const found = await lookupCustomer(deps.db, { p_msisdn: msisdn });
    log.info("tool_call", found ? "lookup_customer found" : "lookup_customer not found", {
      tool: "lookup_customer",
      msisdn,
      found: Boolean(found),
      latency_ms: Math.round((deps.now() - started) * 10) / 10,
    });
    if (!found) throw new HttpError(404, "not_found:customer", "No customer has that number");
    return jsonResponse(found);
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject(), ["TOOL_API_KEYS"]))),
} satisfies Deno.ServeDefaultExport;
