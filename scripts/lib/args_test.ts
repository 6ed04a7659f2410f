import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { taskArgs } from "./args.ts";

Deno.test("taskArgs() drops the -- that deno task passes on, and only a leading one", () => {
  assert.deepEqual(taskArgs(["--", "--scripted", "--filter", "attack"]), [
    "--scripted",
    "--filter",
    "attack",
  ]);
  assert.deepEqual(taskArgs(["--scripted"]), ["--scripted"]);
  assert.deepEqual(taskArgs([]), []);
  assert.deepEqual(taskArgs(["--filter", "--"]), ["--filter", "--"]);
});

Deno.test("taskArgs() lets parseArgs read options after deno task's --", () => {
  const options = { as: { type: "string" } } as const;
  assert.throws(() => parseArgs({ args: ["--", "--as", "operator"], options }), /Unexpected argument/);
  assert.equal(parseArgs({ args: taskArgs(["--", "--as", "operator"]), options }).values.as, "operator");
});
