import assert from "node:assert/strict";
import { compareManifest, type TableEntry } from "./backup_manifest.ts";

const tables: TableEntry[] = [
  { table: "public.customers", rows: 3, checksum: "a" },
  { table: "public.vouchers", rows: 5, checksum: "b" },
];
const backup = { tables, privileges: "p" };

Deno.test("compareManifest() finds nothing when counts, checksums and grants agree", () => {
  assert.deepEqual(compareManifest(backup, { tables: [...tables].reverse(), privileges: "p" }), []);
});

Deno.test("compareManifest() names a table with other counts, another checksum, or none at all", () => {
  const restored = {
    tables: [{ table: "public.customers", rows: 2, checksum: "a" }, {
      table: "public.extra",
      rows: 0,
      checksum: "",
    }],
    privileges: "p",
  };
  assert.deepEqual(compareManifest(backup, restored), [
    "public.customers: 2 rows, the backup has 3",
    "public.vouchers: missing",
    "public.extra: not in the backup",
  ]);
  assert.deepEqual(
    compareManifest(backup, { tables: [tables[0]!, { ...tables[1]!, checksum: "c" }], privileges: "p" }),
    ["public.vouchers: checksum differs from the backup's"],
  );
});

Deno.test("compareManifest() reports grants or row-level security that differ", () => {
  assert.deepEqual(compareManifest(backup, { tables, privileges: "q" }), [
    "grants or row-level security differ from the backup's",
  ]);
});
