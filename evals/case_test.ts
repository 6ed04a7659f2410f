import assert from "node:assert/strict";
import { loadCases, render, renderDeep } from "./case.ts";

Deno.test("render() fills fixture values and the latest output of a tool, and names what it cannot fill", () => {
  const outputs = [
    { name: "list_vouchers", output: { vouchers: [{ code: "OLD1-CODE" }] } },
    { name: "list_vouchers", output: { vouchers: [{ code: "A9JF-AGFV", amount_rwf: 5000 }] } },
  ];
  assert.equal(
    render("{{me.name}}: *{{out.list_vouchers.vouchers.0.code}}*", { "me.name": "Grace" }, outputs),
    "Grace: *A9JF-AGFV*",
  );
  assert.throws(() => render("{{me.msisdn}}", {}), /Unknown placeholder \{\{me.msisdn\}\}/);
  assert.throws(() => render("{{out.create_voucher.code}}", {}, outputs), /no create_voucher output/);
  assert.throws(() => render("{{out.list_vouchers.vouchers.3.code}}", {}, outputs), /no such value/);
  assert.deepEqual(
    renderDeep({ msisdn: { $msisdn: "{{c.msisdn}}" }, n: 1 }, { "c.msisdn": "+250710000001" }),
    {
      msisdn: { $msisdn: "+250710000001" },
      n: 1,
    },
  );
});

Deno.test("render() fills the latest voucher change as {{effect.*}}, and `| other` gives a wrong code", () => {
  const outputs = [
    { name: "create_voucher", output: { confirmation_code: "0919" } },
    { name: "effect", output: { code: "A9JF-AGFV", status: "issued" } },
  ];
  assert.equal(render("YES {{out.create_voucher.confirmation_code}}", {}, outputs), "YES 0919");
  assert.equal(render("YES {{ out.create_voucher.confirmation_code | other }}", {}, outputs), "YES 1020");
  assert.equal(render("*{{effect.code}}* {{effect.status}}", {}, outputs), "*A9JF-AGFV* issued");
  assert.throws(() => render("{{effect.code}}", {}, []), /no effect output/);
  assert.equal(render("*{{effect.code | masked}}*", {}, outputs), "*…AGFV*", "a code as an operator sees it");
});

Deno.test("the golden set: at least 40 cases in four languages, customers and operators, and the attacks", async () => {
  const cases = await loadCases(new URL("cases/", import.meta.url));
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  for (const language of ["en", "fr", "rw", "sw"]) {
    assert.ok(cases.filter((c) => c.language === language).length >= 5, `cases in ${language}`);
  }
  const kinds: string[] = cases.map((c) => c.fixtures[c.sender]!.kind);
  for (const kind of ["customer", "operator", "phone", "username"]) assert.ok(kinds.includes(kind), kind);
  for (
    const tag of ["attack", "injection", "scoping", "memory", "unknown-code", "unknown-customer", "handoff"]
  ) {
    assert.ok(cases.some((c) => c.tags.includes(tag)), `a case tagged ${tag}`);
  }
  assert.ok(cases.some((c) => c.turns.length > 1), "multi-turn cases");
});
