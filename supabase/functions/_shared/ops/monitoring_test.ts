/**
 * The alert rules and the dashboards name metrics by text: each voucher_* name they read must be one
 * FAMILIES declares (a histogram's `_bucket`, `_sum` and `_count` too), so a renamed metric fails here
 * instead of leaving an alert that never fires or a panel that stays empty.
 */
import assert from "node:assert/strict";
import { seriesOf } from "./family.ts";
import { FAMILIES } from "./prometheus.ts";

const MONITORING = new URL("../../../../monitoring/", import.meta.url);
const RULE_FILES = ["prometheus/alerts.yml", "prometheus/alerts_test.yml"];

/** Every series name the text exposition can hold. */
const EXPOSED = new Set(FAMILIES.flatMap((f) => seriesOf(f).map(([name]) => name)));

/** The voucher_* names a text reads. */
function metricNames(text: string): string[] {
  return [...new Set(text.match(/(?<![\w:])voucher_[\w:]+/g) ?? [])];
}

/** The voucher_* names a text reads that no family exposes. */
function undeclared(text: string): string[] {
  return metricNames(text).filter((name) => !EXPOSED.has(name));
}

Deno.test("undeclared() names a renamed metric and a suffix its type does not have, not a histogram's series", () => {
  assert.deepEqual(
    undeclared(
      "sum(rate(voucher_request_total[5m])) / sum(rate(voucher_requests_total_bucket[5m])) " +
        "+ histogram_quantile(0.95, rate(voucher_request_duration_seconds_bucket[5m])) " +
        "+ voucher_request_duration_seconds_sum / voucher_request_duration_seconds_count",
    ),
    ["voucher_request_total", "voucher_requests_total_bucket"],
  );
  assert.deepEqual(undeclared('up{job="voucher-agents"} == 0 and max(voucher_database_up) == 0'), []);
});

Deno.test("every voucher_* metric the alert rules and their promtool tests name is a declared family", async () => {
  for (const file of RULE_FILES) {
    const text = await Deno.readTextFile(new URL(file, MONITORING));
    assert.ok(metricNames(text).length > 0, `${file} names metrics`);
    assert.deepEqual(undeclared(text), [], `${file} reads metrics that no family declares`);
  }
});

Deno.test("every voucher_* metric a dashboard panel queries is a declared family", async () => {
  const boards = new URL("dashboards/", MONITORING);
  let read = 0;
  for await (const entry of Deno.readDir(boards)) {
    if (!entry.name.endsWith(".json")) continue;
    const board = JSON.parse(await Deno.readTextFile(new URL(entry.name, boards)));
    const exprs = (board.panels as { title: string; targets?: { expr: string }[] }[])
      .flatMap((panel) => (panel.targets ?? []).map((t) => [panel.title, t.expr] as const));
    assert.ok(exprs.length > 0, `${entry.name} has queries`);
    for (const [title, expr] of exprs) {
      assert.deepEqual(undeclared(expr), [], `${entry.name} "${title}": ${expr}`);
    }
    read++;
  }
  assert.ok(read > 0, "monitoring/dashboards holds dashboards");
});
