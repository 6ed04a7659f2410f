/**
 * Evals create and delete customers, operators, vouchers and conversations, so they run only on a
 * database that the local bootstrap (./scripts/dev, ./scripts/test) marked as development with
 * app_settings.environment = 'development'. No migration writes that key: production is never marked.
 */
import type postgres from "postgres";

/** Why the evals must not run on this database, in one line; undefined when it is marked development. */
export async function developmentRefusal(sql: postgres.Sql): Promise<string | undefined> {
  const [row] = await sql<{ environment: string | null }[]>`
    select (select s.value #>> '{}' from public.app_settings s where s.key = 'environment') as environment`;
  const environment = row?.environment ?? null;
  if (environment === "development") return undefined;
  return `refusing to run: the database is not marked as development (app_settings.environment is ${
    environment === null ? "unset" : `'${environment}'`
  }); ./scripts/dev and ./scripts/test mark theirs`;
}
