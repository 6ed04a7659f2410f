/** The `sql` transport: postgres.js, one small pool per isolate, no prepared statements (pooler-safe). */
import postgres from "postgres";
import { DbFailure } from "../errors.ts";
import type { Db, RpcOptions } from "./_port.ts";
import {
  CONNECT_TIMEOUT_MS,
  DEFAULT_RPC_TIMEOUT_MS,
  definedArgs,
  failFast,
  PRIORITY_CONNECTIONS,
  RECONNECT_WAIT_MS,
  toDbError,
  withTimeout,
} from "./_common.ts";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function createSqlDb(url: string): Db {
  const pool = (max: number) =>
    postgres(url, {
      prepare: false,
      max,
      idle_timeout: 20,
      connect_timeout: CONNECT_TIMEOUT_MS / 1000,
      backoff: () => RECONNECT_WAIT_MS / 1000,
      onnotice: () => {},
      connection: { application_name: "voucher-agents" },
    });
  // Connections are opened on first use: an isolate that never stores a webhook opens no priority one.
  const general = pool(3);
  const priority = pool(PRIORITY_CONNECTIONS);
  const gate = failFast();
  return {
    transport: "sql",
    rpc(fn, args, options) {
      const sql = options?.priority ? priority : general;
      const call = () => run(sql, fn, args, options);
      // A webhook waiting on a database that is away answers 503 at once, not after its timeout.
      return options?.priority ? gate(call) : call();
    },
    close: async () => {
      await Promise.all([general.end({ timeout: 5 }), priority.end({ timeout: 5 })]);
    },
  };
}

/** One call of SQL function `fn` on `sql`, within its timeouts; failures as the domain's errors. */
async function run(
  sql: postgres.Sql,
  fn: string,
  args: object,
  options: RpcOptions | undefined,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const entries = definedArgs(args);
  for (const name of [fn, ...entries.map(([k]) => k)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`Not a SQL identifier: ${name}`);
  }
  const named = entries.map(([k], i) => `${k} => $${i + 1}`).join(", ");
  const text = `select public.${fn}(${named}) as result`;
  const params = entries.map(([, v]) => v as postgres.ParameterOrJSON<never>);
  let query: postgres.PendingQuery<postgres.Row[]> | undefined;
  const statementMs = options?.statementTimeoutMs;
  const work = statementMs === undefined
    ? (query = sql.unsafe(text, params))
    // `set local` lasts for this transaction only, so the pooled connection keeps its default.
    : sql.begin(async (tx) => {
      await tx.unsafe(`set local statement_timeout = ${Math.max(1, Math.round(statementMs))}`);
      return await (query = tx.unsafe(text, params));
    });
  try {
    const rows = await withTimeout(work, options?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS, () => query?.cancel());
    // deno-lint-ignore no-explicit-any
    return (rows as any)[0]?.result;
  } catch (err) {
    if (err instanceof postgres.PostgresError) throw toDbError(err, err);
    if (err instanceof DbFailure) throw err;
    throw toDbError({}, err);
  }
}
