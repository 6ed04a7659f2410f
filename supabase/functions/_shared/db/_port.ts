/** The database port: what both transports implement. */
import type { Database, Json } from "../database.types.ts";
import type { DbConfig } from "../config.ts";

type Functions = Database["public"]["Functions"];
export type RpcName = keyof Functions;
type GeneratedArgs<N extends RpcName> = Functions[N]["Args"];
/**
 * A function's arguments as the generated types declare them, except that a jsonb parameter takes
 * any value: both transports send it as JSON, and its shape is the SQL function's to check.
 */
export type RpcArgs<N extends RpcName> = {
  [K in keyof GeneratedArgs<N>]: [Json] extends [GeneratedArgs<N>[K]] ? unknown : GeneratedArgs<N>[K];
};
export type RpcResult<N extends RpcName> = Functions[N]["Returns"];

export interface RpcOptions {
  /** Gives up after this long with a DbFailure `timeout` (it may have committed). */
  timeoutMs?: number;
  /**
   * The server cancels (rolls back) the call after this long. Set shorter than `timeoutMs` for
   * effects, so that a client timeout almost always means "not done"; the caller still resolves the
   * rare ambiguous case by looking the effect up. The rest transport relies on PostgREST's own
   * per-role statement_timeout instead.
   */
  statementTimeoutMs?: number;
  /**
   * Runs on connections of its own (the sql transport), never queued behind other work: the webhook's
   * acknowledgement, which Meta waits on, does not wait for the replies being worked out after earlier
   * responses (the rest transport's calls are separate HTTP requests already). In both transports,
   * while the database is away these calls fail at once but for one probe at a time (failFast).
   */
  priority?: boolean;
}

/** Calls SQL functions in the public schema. */
export interface Db {
  readonly transport: DbConfig["transport"];
  rpc<N extends RpcName>(fn: N, args: RpcArgs<N>, options?: RpcOptions): Promise<RpcResult<N>>;
  close(): Promise<void>;
}
