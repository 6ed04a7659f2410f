/** metrics: requests per function, WhatsApp, the agent (OpenAI, tools), database connections, memory. */
import { createDeps, lazyFetch } from "../_shared/deps.ts";
import { jsonResponse } from "../_shared/errors.ts";
import { requireMethod } from "../_shared/http.ts";
import { collectMetrics, parseWindow } from "../_shared/metrics.ts";
import { toPrometheus } from "../_shared/metrics_prometheus.ts";
import { requireBearer } from "../_shared/secrets.ts";
import { type Deps, serveFunction } from "../_shared/serve.ts";
import { HttpError } from "../_shared/errors.ts";

/** Builds the metrics handler; `METRICS_TOKEN` guards it. */
export function createHandler(deps: Deps, clock: () => Date = () => new Date()) {
  const tokens = deps.config.metricsTokens;
  if (!tokens) throw new Error("metrics needs METRICS_TOKEN");
  return serveFunction("metrics", deps, async (req) => {
    requireMethod(req, "GET");
    await requireBearer(req, tokens);
    const url = new URL(req.url);
    const format = url.searchParams.get("format");
    if (format !== null && format !== "json" && format !== "prometheus") {
      throw new HttpError(400, "bad_request:format", "format must be json or prometheus");
    }
    const metrics = await collectMetrics(deps.db, parseWindow(url.searchParams.get("window")), clock());
    const wantsText = format === "prometheus" ||
      (format === null && /\btext\/plain\b/.test(req.headers.get("accept") ?? ""));
    if (wantsText) {
      return new Response(toPrometheus(metrics), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      });
    }
    return jsonResponse(metrics, 200, { "cache-control": "no-store" });
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject(), ["METRICS_TOKEN"]))),
} satisfies Deno.ServeDefaultExport;
