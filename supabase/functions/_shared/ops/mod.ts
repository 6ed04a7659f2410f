/**
 * What ops read: health's backlog and deep checks, the metrics (JSON over a window for people,
 * Prometheus counters, histograms and gauges for scrapers) and the isolate's own numbers.
 */
export { backlogOverThresholds, readBacklog } from "./backlog.ts";
export { createDeepCheck, DEEP_CACHE_MS, type DeepResult } from "./deep.ts";
export { readRuntime } from "./isolate.ts";
export { collectMetrics, type Metrics, parseWindow, readHandoffStats, WINDOWS } from "./metrics.ts";
export { seriesOf } from "./family.ts";
export { FAMILIES, toPrometheus } from "./prometheus.ts";
export { collectSnapshot, type PrometheusSnapshot } from "./totals.ts";
