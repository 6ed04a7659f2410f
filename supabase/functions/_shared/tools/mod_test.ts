import assert from "node:assert/strict";
import { TOOLS, toolSpecs } from "./mod.ts";

/** OpenAI strict mode: every object closes its properties and requires all of them. */
function assertStrict(schema: Record<string, unknown>, path: string): void {
  const type = schema.type;
  if (type === "object" || (Array.isArray(type) && type.includes("object"))) {
    assert.equal(schema.additionalProperties, false, `${path} closes its properties`);
    const keys = Object.keys(schema.properties as object).sort();
    assert.deepEqual([...(schema.required as string[])].sort(), keys, `${path} requires every property`);
    for (const [k, v] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
      assertStrict(v, `${path}.${k}`);
    }
  }
  for (const branch of (schema.anyOf as Record<string, unknown>[] | undefined) ?? []) {
    assertStrict(branch, path);
  }
  assert.ok(!("$schema" in schema), `${path} has no $schema`);
}

Deno.test("toolSpecs() gives operators every tool, each a strict function schema", () => {
  const specs = toolSpecs("operator");
  assert.deepEqual(specs.map((s) => s.name), TOOLS.map((t) => t.name));
  for (const spec of specs) {
    assert.equal(spec.type, "function");
    assert.equal(spec.strict, true);
    assert.ok(spec.description.length > 20, `${spec.name} is described`);
    assertStrict(spec.parameters, spec.name);
  }
});

Deno.test("toolSpecs() never offers a customer the staff tools", () => {
  assert.deepEqual(toolSpecs("customer").map((s) => s.name), [
    "lookup_customer",
    "list_vouchers",
    "offer_choices",
    "handoff_to_human",
  ]);
});

Deno.test("a tool's schema refuses what its JSON schema does not declare", () => {
  const create = TOOLS.find((t) => t.name === "create_voucher")!;
  assert.ok(create.schema.safeParse({ msisdn: "0788123456", amount_rwf: 5000 }).success);
  for (
    const bad of [
      { msisdn: "0788123456", amount_rwf: 5000, customer: "x" },
      { msisdn: "0788123456", amount_rwf: 0 },
      { msisdn: "0788123456", amount_rwf: 12.5 },
      { msisdn: "0788123456" },
    ]
  ) {
    assert.equal(create.schema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  const list = TOOLS.find((t) => t.name === "list_vouchers")!;
  assert.ok(list.schema.safeParse({ msisdn: null, status: "issued" }).success);
  assert.equal(list.schema.safeParse({ msisdn: null, status: "spent" }).success, false);
});

Deno.test("the README's table of tools lists every tool, who may use it and its kill switch", async () => {
  const readme = await Deno.readTextFile(new URL("../../../../README.md", import.meta.url));
  const rows = [...readme.matchAll(/^\| `([a-z_]+)` +\| (everyone|operators) +\| (.*?) *\|$/gm)];
  assert.deepEqual(rows.map((r) => r[1]), TOOLS.map((t) => t.name), "the same tools, in the model's order");
  for (const [, name, who, what] of rows) {
    const tool = TOOLS.find((t) => t.name === name)!;
    assert.equal(who, tool.roles.includes("customer") ? "everyone" : "operators", `${name}: who`);
    if (tool.flag) assert.ok(what!.includes(`\`${tool.flag}\``), `${name}: its kill switch ${tool.flag}`);
  }
});
