import assert from "node:assert/strict";
import { isObject } from "./object.ts";

Deno.test("isObject() is true for objects, false for null, arrays and other values", () => {
  assert.equal(isObject({}), true);
  assert.equal(isObject({ body: "Muraho" }), true);
  assert.equal(isObject(JSON.parse('{"a":1}')), true);
  for (const value of [null, undefined, [], [1], "x", 1, true]) assert.equal(isObject(value), false);
});
