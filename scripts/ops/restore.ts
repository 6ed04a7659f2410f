/**
 * ./scripts/restore FILE --db-url URL [--force] [--verify]: restores a ./scripts/backup file into an empty
 * database, in order: Supabase's roles and schemas (vanilla Postgres only), extensions, the dump, the check
 * against the manifest (exit 1 on any difference), then the pg_cron jobs; it ends listing the Vault secrets
 * to set again. A target that holds application objects is refused (exit 2) unless --force, which drops
 * them first. --verify only compares the database with the backup.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import {
  compareManifest,
  type Manifest,
  privilegesDigest,
  STABLE_TEXT,
  tableEntries,
} from "./backup_manifest.ts";
import { redactUrl, run, sha256File } from "./backup_tools.ts";

const SETUP_SQL = new URL("../sql/supabase_setup.sql", import.meta.url).pathname;

/** A restore that cannot go on; `code` is the exit status. */
export class RestoreError extends Error {
  constructor(message: string, readonly code: 1 | 2 = 1) {
    super(message);
  }
}

const say = (line: string) => console.error(`restore: ${line}`);

/** Unpacks a backup file; throws when its dump does not match the manifest's sha256. */
export async function openBackup(file: string): Promise<{ dir: string; manifest: Manifest }> {
  const dir = await Deno.makeTempDir({ prefix: "restore-" });
  await run("tar", ["-xf", file, "-C", dir, "manifest.json", "database.dump"]);
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)) as Manifest;
  if (manifest.format !== 1) throw new RestoreError(`${file}: unknown manifest format ${manifest.format}`);
  if ((await sha256File(`${dir}/database.dump`)) !== manifest.dump_sha256) {
    throw new RestoreError(`${file}: database.dump does not match the manifest's sha256 (a damaged backup)`);
  }
  return { dir, manifest };
}

/** The differences between the database and the backup's manifest; empty when they agree. */
export async function verify(sql: postgres.Sql, manifest: Manifest): Promise<string[]> {
  return await sql.begin("isolation level repeatable read, read only", async (tx) => {
    await tx.unsafe(STABLE_TEXT);
    return compareManifest(manifest, {
      tables: await tableEntries(tx),
      privileges: await privilegesDigest(tx),
    });
  });
}

/** What the target already holds in the backup's schemas (objects, migration rows); empty means empty. */
async function contents(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ what: string }[]>`
    select format('%s %s.%s', case c.relkind when 'r' then 'table' when 'S' then 'sequence' else 'relation' end,
      n.nspname, c.relname) as what
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'supabase_migrations') and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
    union all
    select format('function %s.%s', n.nspname, p.proname)
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
    order by 1`;
  return rows.map((r) => r.what);
}

/** Restores `file` into `dbUrl`. */
export async function restore(file: string, dbUrl: string, options: { force?: boolean } = {}): Promise<void> {
  const { dir, manifest } = await openBackup(file);
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const held = await contents(sql);
    if (held.length && !options.force) {
      throw new RestoreError(
        `the target is not empty (${held.length} objects, e.g. ${held.slice(0, 3).join(", ")}): ` +
          "restore into a new database, or pass --force to drop the schemas public and supabase_migrations first",
        2,
      );
    }
    if (held.length) {
      say(`--force: dropping ${held.length} objects in public and supabase_migrations`);
      await sql.unsafe(`drop schema if exists supabase_migrations cascade; drop schema public cascade;
        create schema public; alter schema public owner to pg_database_owner`);
    }
    const [{ supabase, cronHere }] = await sql<[{ supabase: boolean; cronHere: boolean }]>`
      select exists (select 1 from pg_catalog.pg_extension where extname = 'supabase_vault') as supabase,
        current_database() = coalesce(current_setting('cron.database_name', true), 'postgres') as "cronHere"`;
    if (!supabase) {
      say(
        "vanilla Postgres: creating Supabase's roles, schemas and helpers (scripts/sql/supabase_setup.sql)",
      );
      await run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbUrl, "-f", SETUP_SQL], {
        PGOPTIONS: "-c client_min_messages=warning",
      });
    }
    for (const ext of manifest.extensions) {
      const [{ available }] = await sql<[{ available: boolean }]>`
        select exists (select 1 from pg_catalog.pg_available_extensions where name = ${ext.name}) as available`;
      if (!available) say(`extension ${ext.name} is not available here: skipped`);
      else if (ext.name === "pg_cron" && !cronHere) {
        say("pg_cron lives in cron.database_name, not this database");
      } else await sql.unsafe(`create extension if not exists ${ext.name} with schema ${ext.schema}`);
    }
    // Objects the dump creates would otherwise gain the target's default grants (Supabase's grant anon
    // and authenticated everything); the dump sets the backup's defaults again at its end.
    await sql.unsafe(`do $$ declare d record; begin
      for d in select a.grantee, x.defaclobjtype from pg_catalog.pg_default_acl x, aclexplode(x.defaclacl) a
        where x.defaclrole = current_user::regrole and x.defaclnamespace = 'public'::regnamespace loop
        execute format('alter default privileges in schema public revoke all on %s from %s',
          case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions'
            when 'T' then 'types' else 'schemas' end,
          case when d.grantee = 0 then 'public' else quote_ident(d.grantee::regrole::text) end);
      end loop; end $$`);
    // public exists in every database: its CREATE SCHEMA entry is left out, its grants and comment kept.
    const list = (await run("pg_restore", ["--list", `${dir}/database.dump`]))
      .split("\n").filter((line) => !/ SCHEMA - public /.test(line)).join("\n");
    await Deno.writeTextFile(`${dir}/restore.list`, list);
    say(`pg_restore into ${redactUrl(dbUrl)}`);
    await run("pg_restore", [
      `--dbname=${dbUrl}`,
      "--no-owner",
      "--single-transaction",
      "--exit-on-error",
      `--use-list=${dir}/restore.list`,
      `${dir}/database.dump`,
    ]);
    const problems = await verify(sql, manifest);
    if (problems.length) {
      throw new RestoreError(`the restored database differs from the backup:\n  ${problems.join("\n  ")}`);
    }
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    say(
      `verified: ${manifest.tables.length} tables, ${rows} rows, counts, checksums and grants as in the backup`,
    );
    await restoreCronJobs(sql, manifest, cronHere);
    printToDo(manifest);
  } finally {
    await sql.end();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Schedules the backup's pg_cron jobs by name (cron.schedule replaces a job of the same name). */
async function restoreCronJobs(sql: postgres.Sql, manifest: Manifest, cronHere: boolean): Promise<void> {
  const [{ cron }] = await sql<[{ cron: boolean }]>`select to_regclass('cron.job') is not null as cron`;
  if (!cron || !cronHere) {
    const [{ db }] = await sql<[{ db: string }]>`select current_database() as db`;
    say("pg_cron is not in this database: in the cluster's cron.database_name, run");
    for (const j of manifest.cron_jobs) {
      console.error(
        `  select cron.schedule_in_database('${j.name}', '${j.schedule}', $$${j.command}$$, '${db}');`,
      );
    }
    return;
  }
  for (const j of manifest.cron_jobs) {
    const [{ id }] = await sql<
      [{ id: number }]
    >`select cron.schedule(${j.name}, ${j.schedule}, ${j.command}) as id`;
    if (!j.active) await sql`select cron.alter_job(${id}, active => false)`;
  }
  say(`${manifest.cron_jobs.length} pg_cron jobs scheduled`);
}

function printToDo(manifest: Manifest): void {
  console.error('restore: not in a backup, set again (RUNBOOK.md, "Backup, restore and disaster recovery"):');
  for (const name of manifest.vault_secrets) {
    console.error(`  Vault: select vault.create_secret('<value>', '${name}');`);
  }
  console.error(
    "  Function secrets: npx supabase secrets set --env-file ./prod.env (TOOL_API_KEYS, WHATSAPP_*, ...)",
  );
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { "db-url": { type: "string" }, force: { type: "boolean" }, verify: { type: "boolean" } },
  });
  const file = positionals[0];
  const dbUrl = values["db-url"];
  if (!file || !dbUrl || positionals.length > 1) {
    console.error("usage: ./scripts/restore FILE --db-url URL [--force]   (or --verify: compare only)");
    Deno.exit(2);
  }
  try {
    if (values.verify) {
      const { dir, manifest } = await openBackup(file);
      await Deno.remove(dir, { recursive: true });
      const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
      const problems = await verify(sql, manifest).finally(() => sql.end());
      if (problems.length) {
        throw new RestoreError(`the database differs from the backup:\n  ${problems.join("\n  ")}`);
      }
      say(`verified: the database matches ${file}`);
    } else {
      await restore(file, dbUrl, { force: values.force ?? false });
    }
  } catch (error) {
    console.error(`ERROR restore: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(error instanceof RestoreError ? error.code : 1);
  }
}
