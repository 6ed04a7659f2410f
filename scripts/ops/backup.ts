/**
 * ./scripts/backup [--db-url URL] [--out FILE]: a consistent logical backup. pg_dump (custom format) of the
 * application schemas and a manifest (row count and checksum per table, grants, the pg_cron jobs, the Vault
 * secret names) are both read from one exported snapshot, so the counts match the dump exactly. FILE is a tar
 * of database.dump and manifest.json.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import {
  BACKUP_SCHEMAS,
  type CronJob,
  EXTENSIONS,
  type Manifest,
  privilegesDigest,
  STABLE_TEXT,
  tableEntries,
} from "./backup_manifest.ts";
import { defaultDbUrl, redactUrl, run, sha256File } from "./backup_tools.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Writes the backup of `dbUrl` to `out`; returns its manifest. */
export async function backup(dbUrl: string, out: string): Promise<Manifest> {
  const dir = await Deno.makeTempDir({ prefix: "backup-" });
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const conn = await sql.reserve();
    try {
      await conn.unsafe("begin isolation level repeatable read, read only");
      await conn.unsafe(STABLE_TEXT);
      const [{ snapshot }] = await conn<
        [{ snapshot: string }]
      >`select pg_catalog.pg_export_snapshot() as snapshot`;
      // pg_dump reads the same snapshot while this transaction stays open and reads the manifest.
      const dump = run("pg_dump", [
        `--dbname=${dbUrl}`,
        "--format=custom",
        `--snapshot=${snapshot}`,
        ...BACKUP_SCHEMAS.map((s) => `--schema=${s}`),
        `--file=${dir}/database.dump`,
      ]);
      dump.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
      const manifest = await readManifest(conn);
      await dump;
      await conn.unsafe("commit");
      manifest.dump_sha256 = await sha256File(`${dir}/database.dump`);
      await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
      await Deno.mkdir(out.replace(/\/[^/]*$/, "") || ".", { recursive: true });
      await run("tar", ["-cf", `${out}.partial`, "-C", dir, "manifest.json", "database.dump"]);
      await Deno.rename(`${out}.partial`, out);
      return manifest;
    } finally {
      conn.release();
    }
  } finally {
    await sql.end();
    await Deno.remove(dir, { recursive: true });
  }
}

async function readManifest(conn: postgres.ReservedSql): Promise<Manifest> {
  const [source] = await conn<[{ database: string; server_version: string }]>`
    select current_database() as database, current_setting('server_version') as server_version`;
  const extensions = await conn<{ name: string; schema: string }[]>`
    select e.extname as name, n.nspname as schema
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
    where e.extname = any(${Object.keys(EXTENSIONS)}) order by 1`;
  const [{ cron, vault }] = await conn<[{ cron: boolean; vault: boolean }]>`
    select to_regclass('cron.job') is not null as cron, to_regclass('vault.secrets') is not null as vault`;
  const cronJobs = cron
    ? await conn<CronJob[]>`
        select jobname as name, schedule, command, active from cron.job
        where database = current_database() and jobname is not null order by jobname`
    : [];
  const vaultSecrets = vault
    ? (await conn<{ name: string }[]>`select name from vault.secrets where name is not null order by name`)
      .map((r) => r.name)
    : [];
  return {
    format: 1,
    created_at: new Date().toISOString(),
    source: { ...source },
    schemas: [...BACKUP_SCHEMAS],
    extensions: extensions.map((e) => ({ ...e })),
    tables: await tableEntries(conn),
    privileges: await privilegesDigest(conn),
    cron_jobs: cronJobs.map((j) => ({ ...j })),
    vault_secrets: vaultSecrets,
    dump_sha256: "",
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { "db-url": { type: "string" }, out: { type: "string" } },
  });
  const dbUrl = values["db-url"] ?? defaultDbUrl();
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "");
  const out = values.out ?? `${ROOT}.local/backups/${stamp}.backup`;
  console.error(`backup: ${redactUrl(dbUrl)} -> ${out}`);
  const manifest = await backup(dbUrl, out);
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  console.error(
    `backup: ${manifest.tables.length} tables, ${rows} rows, ${manifest.cron_jobs.length} cron jobs, ` +
      `${manifest.vault_secrets.length} Vault secret names (values not included)`,
  );
  console.log(out);
}
