import assert from "node:assert/strict";
import { parseEvalArgs } from "./run.ts";

Deno.test("parseEvalArgs() reads every option, with the defaults the README gives", () => {
  const defaults = parseEvalArgs([]);
  assert.equal(defaults.scripted, false);
  assert.equal(defaults.keepFixtures, false);
  assert.equal(defaults.filter, undefined);
  assert.equal(defaults.concurrency, undefined);
  assert.match(defaults.out, /\/evals\/reports\/$/);
  assert.deepEqual(
    parseEvalArgs([
      "--scripted",
      "--filter",
      "attack",
      "--concurrency",
      "8",
      "--out",
      "/tmp/e",
      "--keep-fixtures",
    ]),
    { scripted: true, filter: "attack", concurrency: 8, out: "/tmp/e", keepFixtures: true },
  );
  assert.equal(parseEvalArgs(["--concurrency", "0"]).concurrency, 1);
  assert.equal(parseEvalArgs(["--concurrency", "many"]).concurrency, 1);
});

Deno.test("parseEvalArgs() takes what follows deno task's --, and refuses what it does not know", () => {
  assert.equal(parseEvalArgs(["--", "--scripted"]).scripted, true);
  assert.throws(() => parseEvalArgs(["--nope"]), /Unknown option '--nope'/);
  assert.throws(() => parseEvalArgs(["--filter"]), /argument missing/);
  assert.throws(() => parseEvalArgs(["attack"]), /Unexpected argument 'attack'/);
});
