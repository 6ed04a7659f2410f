import assert from "node:assert/strict";
import type { CaseResult, TurnReport } from "./conversation.ts";
import { buildReport, summaryTable } from "./report.ts";

const turn = (ms: number): TurnReport => ({
  user: ["Muraho"],
  reply: "Murakoze",
  handoff: false,
  toolCalls: [],
  effects: [],
  actions: [],
  grades: [],
  ms,
  inputTokens: 10,
  outputTokens: 5,
});

const result = (id: string, ms: number[], pass = true): CaseResult => ({
  id,
  title: id,
  language: "en",
  role: "customer",
  tags: [],
  pass,
  failures: pass ? [] : [{ turn: 1, grader: "reply_content", detail: "missing" }],
  turns: ms.map(turn),
});

const options = { mode: "scripted" as const, model: "scripted", startedAt: new Date(), gitSha: null };

Deno.test("buildReport() takes the turn latency p50 and p95 by nearest rank over every turn of every case", () => {
  // 20 turns of 1..20 ms, in no order: p95 is the 19th (nearest rank), p50 the 10th.
  const ms = Array.from({ length: 20 }, (_, i) => ((i * 7) % 20) + 1);
  const report = buildReport(options, [result("a", ms.slice(0, 12)), result("b", ms.slice(12), false)]);
  assert.equal(report.totals.p50TurnMs, 10);
  assert.equal(report.totals.p95TurnMs, 19);
  assert.equal(report.totals.passed, 1);
  assert.equal(report.totals.inputTokens, 200);
});

Deno.test("buildReport() has null percentiles, as eval_runs stores them, when no turn ran", () => {
  const report = buildReport(options, []);
  assert.equal(report.totals.p50TurnMs, null);
  assert.equal(report.totals.p95TurnMs, null);
  assert.equal(report.totals.passRate, 0);
});

Deno.test("summaryTable() lines the cases up under a rule, numbers aligned right", () => {
  const report = buildReport(options, [result("customer-own-vouchers", [120, 30]), result("x", [5], false)]);
  assert.equal(
    summaryTable(report),
    [
      "case                   lang  role      result  failing grader           ms  tokens",
      "---------------------  ----  --------  ------  ----------------------  ---  ------",
      "customer-own-vouchers  en    customer  pass                            150      30",
      "x                      en    customer  FAIL    reply_content (turn 1)    5      15",
    ].join("\n"),
  );
});
