import assert from "node:assert/strict";
import { latencySvg } from "./plot.ts";

Deno.test("the soak's plot has one polyline per series and one shaded band per fault window", () => {
  const svg = latencySvg(
    "soak <short>",
    [
      { label: "ack", color: "#1f77b4", points: [[2_000, 40], [0, 12], [5_000, 900]] },
      { label: "reply", color: "#ff7f0e", points: [[1_000, 1_500]] },
    ],
    [{ label: "Postgres restart", from: 1_000, to: 2_500 }, {
      label: "server killed",
      from: 3_000,
      to: 4_000,
    }],
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<polyline class="series"/g)?.length, 2);
  assert.equal(svg.match(/<rect class="fault"/g)?.length, 2);
  assert.ok(svg.includes("soak &#60;short&#62;"), "text is escaped");
  const first = /points="([^"]+)"/.exec(svg)![1]!.split(" ").map((p) => Number(p.split(",")[0]));
  assert.deepEqual(first, [...first].sort((a, b) => a - b), "points are drawn in time order");
  assert.ok(svg.trimEnd().endsWith("</svg>"));
});
