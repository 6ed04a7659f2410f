/** metrics: JSON over a window for people; Prometheus text (counters, histograms, gauges) for scrapers. */
import { createDeps, type Deps } from "../_shared/deps.ts";
import {
  HttpError,
  jsonResponse,
  lazyFetch,
  requireBearer,
  requireMethod,
  serveFunction,
} from "../_shared/http/mod.ts";
import { collectMetrics, parseWindow } from "../_shared/ops/mod.ts";
import { toPrometheus } from "../_shared/ops/mod.ts";
import { collectSnapshot } from "../_shared/ops/mod.ts";

/** Builds the metrics handler; `METRICS_TOKEN` guards it. */
export function createHandler(deps: Deps, clock: () => Date = () => new Date()) {
  const tokens = deps.config.metricsTokens;
  if (!tokens) throw new Error("metrics needs METRICS_TOKEN");
  return serveFunction("metrics", deps, async (req, { log }) => {
    requireMethod(req, "GET");
    await requireBearer(req, tokens);
    const url = new URL(req.url);
    const format = url.searchParams.get("format");
    if (format !== null && format !== "json" && format !== "prometheus") {
      throw new HttpError(400, "bad_request:format", "format must be json or prometheus");
    }
    const wantsText = format === "prometheus" ||
      (format === null && /\btext\/plain\b/.test(req.headers.get("accept") ?? ""));
    if (wantsText) {
      // Answers 200 when the database is down too: voucher_database_up 0 is what the alert reads.
      return new Response(toPrometheus(await collectSnapshot(deps.db, log)), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      });
    }
    const metrics = await collectMetrics(deps.db, parseWindow(url.searchParams.get("window")), clock());
    return jsonResponse(metrics, 200, { "cache-control": "no-store" });
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject(), ["METRICS_TOKEN"]))),
} satisfies Deno.ServeDefaultExport;
