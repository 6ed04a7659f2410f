/**
 * Races made deterministic: separate connections, each a backend of its own, and a wait until one of
 * them is blocked on a lock another holds in an open transaction.
 */
import postgres from "postgres";
import { testDatabaseUrl } from "./harness.ts";

/** `n` single-connection clients of the test database, each its own backend. */
export async function connections(n: number): Promise<postgres.Sql[]> {
  const url = await testDatabaseUrl();
  return Array.from({ length: n }, () => postgres(url, { max: 1, onnotice: () => {} }));
}

/** The backend pid of a single-connection client. */
export const pidOf = async (sql: postgres.Sql) =>
  (await sql`select pg_backend_pid() as pid`)[0]!.pid as number;

/** Resolves once backend `pid` waits for a lock, or after 2 s (code that takes no lock never waits). */
export async function waitingForLock(sql: postgres.Sql, pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql`select wait_event_type from pg_stat_activity where pid = ${pid}`;
    if (row?.wait_event_type === "Lock") return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
