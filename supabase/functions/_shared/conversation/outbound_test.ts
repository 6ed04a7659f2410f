import assert from "node:assert/strict";
import { buttons, list, OutboundMessage, plainText } from "./mod.ts";

const b = (n: number, title = "Yes") => Array.from({ length: n }, (_, i) => ({ id: `b${i}`, title }));
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));

Deno.test("buttons() keeps Meta's limits: 1 to 3 buttons, titles of at most 20 characters, distinct ids", () => {
  assert.equal(buttons("Pick one", b(3)).type, "buttons");
  assert.throws(() => buttons("Pick one", b(4)));
  assert.throws(() => buttons("Pick one", []));
  assert.throws(() => buttons("Pick one", b(1, "x".repeat(21))));
  assert.throws(() => buttons("Pick one", [{ id: "a", title: "A" }, { id: "a", title: "B" }]));
  assert.throws(() => buttons("x".repeat(1025), b(1)));
});

Deno.test("list() keeps Meta's limits: at most 10 rows, titles 24, descriptions 72, label 20", () => {
  assert.equal(list("Menu", "Open", rows(10)).type, "list");
  assert.throws(() => list("Menu", "Open", rows(11)));
  assert.throws(() => list("Menu", "Open", [{ id: "a", title: "x".repeat(25) }]));
  assert.throws(() => list("Menu", "Open", [{ id: "a", title: "A", description: "x".repeat(73) }]));
  assert.throws(() => list("Menu", "x".repeat(21), rows(1)));
});

Deno.test("plainText() numbers the choices under the body, where a channel cannot show them", () => {
  assert.equal(
    plainText(buttons("Go?", [{ id: "y", title: "Yes" }, { id: "n", title: "No" }])),
    "Go?\n1. Yes\n2. No",
  );
  assert.equal(
    plainText(list("Menu", "Open", [{ id: "v", title: "My vouchers", description: "What you hold" }])),
    "Menu\n1. My vouchers (What you hold)",
  );
  assert.ok(OutboundMessage.safeParse({ type: "buttons", text: "a", buttons: b(1) }).success);
});
