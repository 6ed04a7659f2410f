import assert from "node:assert/strict";
import { markdownTable, textTable } from "./table.ts";

Deno.test("markdownTable() writes a head, its rule and a line per row", () => {
  assert.equal(markdownTable(["a", "b"], [["1", "22"]]), "| a | b |\n| --- | --- |\n| 1 | 22 |");
  assert.equal(markdownTable(["a"], []), "| a |\n| --- |");
});

Deno.test("markdownTable() escapes a | inside a cell", () => {
  assert.equal(markdownTable(["check"], [["1 | shared"]]), "| check |\n| --- |\n| 1 \\| shared |");
});

Deno.test("textTable() pads each column to its widest cell, two spaces apart, without trailing spaces", () => {
  assert.equal(textTable(["a", "b"], [["111", "2"]]), "a    b\n111  2");
  assert.equal(textTable(["name", "x"], [["a", ""], ["bb", "1"]]), "name  x\na\nbb    1");
});

Deno.test("textTable() puts a rule under the head and aligns right the columns asked", () => {
  const out = textTable(["case", "ms"], [["a", "5"], ["long", "1234"]], {
    align: ["left", "right"],
    rule: true,
  });
  assert.equal(out, "case    ms\n----  ----\na        5\nlong  1234");
});

Deno.test("textTable() without a head prints only the rows", () => {
  assert.equal(
    textTable([], [["inbound stored", "300"], ["PASS no claim is stuck", "0 claimed"]]),
    [
      "inbound stored          300",
      "PASS no claim is stuck  0 claimed",
    ].join("\n"),
  );
  assert.equal(textTable([], []), "");
});
