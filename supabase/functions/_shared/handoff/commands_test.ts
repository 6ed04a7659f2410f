import assert from "node:assert/strict";
import { handoffCommandFromId, parseHandoffCommand } from "./mod.ts";

Deno.test("parseHandoffCommand() reads TAKE <number>, DONE and BOT as whole messages only", () => {
  assert.deepEqual(parseHandoffCommand("TAKE 12"), { kind: "take", number: 12 });
  assert.deepEqual(parseHandoffCommand(" take #7. "), { kind: "take", number: 7 });
  assert.deepEqual(parseHandoffCommand("Done!"), { kind: "done" });
  assert.deepEqual(parseHandoffCommand("bot"), { kind: "bot" });
  for (const other of ["take", "take twelve", "I am done", "TAKE 12 now", "bots", "", null]) {
    assert.equal(parseHandoffCommand(other), null, String(other));
  }
});

Deno.test("handoffCommandFromId() maps a button id to the same command, and nothing else", () => {
  assert.deepEqual(handoffCommandFromId("handoff:take:12"), { kind: "take", number: 12 });
  assert.deepEqual(handoffCommandFromId("handoff:done"), { kind: "done" });
  assert.deepEqual(handoffCommandFromId("handoff:bot"), { kind: "bot" });
  for (const other of ["handoff:take:", "handoff:take:x", "confirm:4821", "handoff:done:1", undefined]) {
    assert.equal(handoffCommandFromId(other), null, String(other));
  }
});
