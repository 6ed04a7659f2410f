/**
 * The database port: SQL functions called by name, over postgres.js (`sql`) or PostgREST (`rest`).
 * Callers see one interface and one error mapping whatever the transport.
 */
import type { DbConfig } from "../config.ts";
import type { Db } from "./_port.ts";
import { createSqlDb } from "./_sql.ts";
import { createRestDb } from "./_rest.ts";

export { DEFAULT_RPC_TIMEOUT_MS, toDbError } from "./_common.ts";
export type { Db, RpcArgs, RpcName, RpcOptions, RpcResult } from "./_port.ts";

/** Builds the transport the configuration names. */
export function createDb(config: DbConfig, fetchImpl: typeof fetch = fetch): Db {
  return config.transport === "sql"
    ? createSqlDb(config.url)
    : createRestDb(config.url, config.serviceRoleKey, fetchImpl);
}
export * from "./agent.ts";
export * from "./calls.ts";
export * from "./handoffs.ts";
export * from "./opt_outs.ts";
export * from "./ops.ts";
export * from "./proposals.ts";
export * from "./vouchers.ts";
export * from "./voice.ts";
export * from "./whatsapp.ts";
