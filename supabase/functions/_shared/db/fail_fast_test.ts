import assert from "node:assert/strict";
import { DbFailure } from "../errors.ts";
import { failFast } from "./_common.ts";

const away = () => Promise.reject(new DbFailure("timeout", "The database did not answer within 750 ms"));
const ok = () => Promise.resolve("stored");

Deno.test("failFast() fails calls at once for a while after one found the database away, one probe at a time", async () => {
  const t = 0;
  const gate = failFast(() => t, 1_000);
  let tried = 0;
  const counted = () => (tried++, ok());
  await assert.rejects(gate(away), DbFailure);
  // The database is away: the next call is the probe (it tries), the ones meanwhile fail at once.
  let release!: () => void;
  const probe = gate(() => new Promise<string>((r) => (release = () => r("stored"))));
  await assert.rejects(gate(counted), (e) => e instanceof DbFailure && e.kind === "unavailable");
  assert.equal(tried, 0, "no call reached the database while the probe was out");
  release();
  assert.equal(await probe, "stored");
  // The probe came back: calls go through again.
  assert.equal(await gate(counted), "stored");
  assert.equal(tried, 1);
});

Deno.test("failFast() lets calls through once the time is up, and never holds back a refusal or a bug", async () => {
  let t = 0;
  const gate = failFast(() => t, 1_000);
  await assert.rejects(gate(away), DbFailure);
  t = 1_001;
  assert.equal(await gate(ok), "stored");
  await assert.rejects(gate(() => Promise.reject(new DbFailure("error", "a bug"))), DbFailure);
  assert.equal(await gate(ok), "stored", "a bug is not an outage");
});
