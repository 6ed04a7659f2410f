import assert from "node:assert/strict";
import type { Backlog } from "../db/mod.ts";
import { backlogOverThresholds } from "./backlog.ts";

const calm: Backlog = {
  inbound_waiting: 2,
  oldest_inbound_seconds: 10,
  outbox_due: 1,
  oldest_outbox_seconds: 5,
  handoffs_open: 3,
  payloads_unstored: 0,
  wrong_codes_last_hour: 0,
  wrong_codes_max_per_operator_last_hour: 0,
  redrive: { last_run_at: "2026-11-29T10:00:00Z", seconds_ago: 40, result: {} },
  thresholds: {
    inbound_waiting_max: 50,
    oldest_waiting_seconds_max: 300,
    outbox_due_max: 100,
    redrive_stale_seconds: 300,
  },
};

Deno.test("backlogOverThresholds() is empty under every threshold, and at them", () => {
  assert.deepEqual(backlogOverThresholds(calm), []);
  assert.deepEqual(
    backlogOverThresholds({
      ...calm,
      inbound_waiting: 50,
      oldest_inbound_seconds: 300,
      outbox_due: 100,
      oldest_outbox_seconds: 300,
      redrive: { ...calm.redrive!, seconds_ago: 300 },
    }),
    [],
  );
});

Deno.test("backlogOverThresholds() names each threshold the backlog is past", () => {
  assert.deepEqual(
    backlogOverThresholds({
      ...calm,
      inbound_waiting: 51,
      oldest_inbound_seconds: 301,
      outbox_due: 101,
      oldest_outbox_seconds: 301,
      redrive: { ...calm.redrive!, seconds_ago: 301 },
      payloads_unstored: 1,
    }),
    [
      "inbound_waiting",
      "oldest_inbound",
      "outbox_due",
      "oldest_outbox",
      "redrive_stale",
      "payloads_unstored",
    ],
  );
});

Deno.test("backlogOverThresholds() does not count a re-drive that never ran as stale", () => {
  assert.deepEqual(backlogOverThresholds({ ...calm, redrive: null }), []);
});
