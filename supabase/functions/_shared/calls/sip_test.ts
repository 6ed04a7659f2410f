import assert from "node:assert/strict";
import { callerNumber } from "./mod.ts";

const h = (name: string, value: string) => ({ name, value });

Deno.test("callerNumber() reads E.164 from a sip: or tel: From header", () => {
  assert.equal(
    callerNumber([h("From", '"Jean" <sip:+250788123456@trunk.example.com>;tag=1')]),
    "+250788123456",
  );
  assert.equal(callerNumber([h("from", "<tel:+250788123456>")]), "+250788123456");
  assert.equal(callerNumber([h("From", "<sip:250788123456@10.0.0.1:5060>")]), "+250788123456");
});

Deno.test("callerNumber() prefers P-Asserted-Identity to From", () => {
  assert.equal(
    callerNumber([h("From", "<sip:+250700000001@a>"), h("P-Asserted-Identity", "<sip:+250788123456@b>")]),
    "+250788123456",
  );
});

Deno.test("callerNumber() is null for an anonymous, named or missing caller", () => {
  assert.equal(callerNumber([h("From", '"Anonymous" <sip:anonymous@anonymous.invalid>')]), null);
  assert.equal(callerNumber([h("From", "<sip:reception@pbx.example.com>")]), null);
  assert.equal(callerNumber([h("To", "<sip:+250788123456@x>")]), null);
  assert.equal(callerNumber([]), null);
});
