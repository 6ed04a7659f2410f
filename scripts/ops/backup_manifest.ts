/** A backup's manifest: what the database held at the dump's snapshot, and how a restore is checked against it. */
import type postgres from "postgres";

/** The schemas a backup holds: the application's, and the migration history `supabase migration list` reads. */
export const BACKUP_SCHEMAS = ["public", "supabase_migrations"] as const;

/** Extensions the migrations create outside the dumped schemas; a restore creates them first. */
export const EXTENSIONS: Record<string, string> = {
  pg_stat_statements: "extensions",
  pg_cron: "pg_catalog",
  pg_net: "extensions",
};

export interface TableEntry {
  /** schema.table */
  table: string;
  rows: number;
  /** md5 over the md5 of each row's text, in primary-key order (whole-row order without one). */
  checksum: string;
}

export interface CronJob {
  name: string;
  schedule: string;
  command: string;
  active: boolean;
}

export interface Manifest {
  format: 1;
  created_at: string;
  source: { database: string; server_version: string };
  schemas: string[];
  extensions: { name: string; schema: string }[];
  tables: TableEntry[];
  /** The grants and row-level security of every table, sequence and function, as one md5. */
  privileges: string;
  cron_jobs: CronJob[];
  /** Vault secret names only: their values never go into a backup. */
  vault_secrets: string[];
  /** sha256 of the pg_dump archive. */
  dump_sha256: string;
}

/** Session settings that make every type's text form the same on the source and the restored database. */
export const STABLE_TEXT =
  "set timezone = 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'postgres'; set bytea_output = 'hex'; set extra_float_digits = 1";

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Row counts and checksums of every table of the backup's schemas, read by `sql` (a transaction's snapshot). */
export async function tableEntries(sql: postgres.Sql | postgres.TransactionSql): Promise<TableEntry[]> {
  const tables = await sql<{ schema: string; name: string; pk: string[] | null }[]>`
    select n.nspname as schema, c.relname as name,
      (select array_agg(a.attname order by k.ord)
       from pg_catalog.pg_index i
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
       join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
       where i.indrelid = c.oid and i.indisprimary) as pk
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname = any(${[...BACKUP_SCHEMAS]})
    order by 1, 2`;
  const entries: TableEntry[] = [];
  for (const t of tables) {
    const name = `${ident(t.schema)}.${ident(t.name)}`;
    const order = t.pk
      ? t.pk.map((c) => `backup_row__.${ident(c)}`).join(", ")
      : `backup_row__::text collate "C"`;
    const [row] = await sql.unsafe<{ rows: string; checksum: string }[]>(
      `select count(*) as rows,
         md5(coalesce(string_agg(md5(backup_row__::text), '' order by ${order}), '')) as checksum
       from ${name} backup_row__`,
    );
    entries.push({ table: `${t.schema}.${t.name}`, rows: Number(row!.rows), checksum: row!.checksum });
  }
  return entries;
}

/** One md5 over the grants and RLS settings of the tables, sequences and functions of the backup's schemas. */
export async function privilegesDigest(sql: postgres.Sql | postgres.TransactionSql): Promise<string> {
  const [row] = await sql<{ digest: string }[]>`
    select md5(coalesce(string_agg(item, E'\n' order by item collate "C"), '')) as digest from (
      select format('%s.%s %s %s %s', n.nspname, c.relname, c.relkind, c.relrowsecurity,
        (select string_agg(format('%s:%s', coalesce(g.rolname, 'PUBLIC'), a.privilege_type), ',' order by 1)
         from aclexplode(c.relacl) a left join pg_catalog.pg_roles g on g.oid = a.grantee)) as item
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${[...BACKUP_SCHEMAS]}) and c.relkind in ('r', 'p', 'S', 'v', 'm')
      union all
      select format('%s.%s(%s) %s', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
        coalesce((select string_agg(format('%s:%s', coalesce(g.rolname, 'PUBLIC'), a.privilege_type), ','
                    order by 1)
                  from aclexplode(p.proacl) a left join pg_catalog.pg_roles g on g.oid = a.grantee), 'default'))
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any(${[...BACKUP_SCHEMAS]})
      union all
      select format('policy %s.%s %s %s', c.relname, p.polname, p.polcmd,
        (select string_agg(coalesce(g.rolname, 'PUBLIC'), ',' order by 1)
         from unnest(p.polroles) r(oid) left join pg_catalog.pg_roles g on g.oid = r.oid))
      from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${[...BACKUP_SCHEMAS]})
    ) items`;
  return row!.digest;
}

/** What differs between the manifest and what a database holds now; empty when the restore is true. */
export function compareManifest(
  expected: Pick<Manifest, "tables" | "privileges">,
  actual: Pick<Manifest, "tables" | "privileges">,
): string[] {
  const problems: string[] = [];
  const found = new Map(actual.tables.map((t) => [t.table, t]));
  for (const want of expected.tables) {
    const got = found.get(want.table);
    if (!got) problems.push(`${want.table}: missing`);
    else if (got.rows !== want.rows) {
      problems.push(`${want.table}: ${got.rows} rows, the backup has ${want.rows}`);
    } else if (got.checksum !== want.checksum) {
      problems.push(`${want.table}: checksum differs from the backup's`);
    }
  }
  const known = new Set(expected.tables.map((t) => t.table));
  for (const t of actual.tables) if (!known.has(t.table)) problems.push(`${t.table}: not in the backup`);
  if (expected.privileges !== actual.privileges) {
    problems.push("grants or row-level security differ from the backup's");
  }
  return problems;
}
