/**
 * One typed wrapper per SQL function: `rpc(name, shape)` declares, once, the result the code reads
 * from a function that answers JSON, and checks it where it enters. Arguments are typed by the
 * generated Database types.
 */
import { z } from "zod";
import { DbFailure } from "../errors.ts";
import type { Db, RpcArgs, RpcName, RpcOptions, RpcResult } from "./_port.ts";

/** A SQL function as the code calls it. */
export type Rpc<N extends RpcName, T> = (db: Db, args: RpcArgs<N>, options?: RpcOptions) => Promise<T>;

/**
 * The wrapper of SQL function `fn`. With `shape`, the JSON it answers is parsed by that schema: a
 * result the code does not know is a bug in one of the two, a DbFailure of kind `error` (its detail
 * is logged, never shown). Without, the generated type of a scalar result is the type.
 */
export function rpc<N extends RpcName>(fn: N): Rpc<N, RpcResult<N>>;
export function rpc<N extends RpcName, S extends z.ZodType>(fn: N, shape: S): Rpc<N, z.output<S>>;
export function rpc<N extends RpcName>(fn: N, shape?: z.ZodType): Rpc<N, unknown> {
  return async (db, args, options) => {
    const answer = await db.rpc(fn, args, options);
    if (!shape) return answer;
    const parsed = shape.safeParse(answer);
    if (parsed.success) return parsed.data;
    throw new DbFailure("error", `${fn} answered a shape the code does not know`, {
      cause: new Error(z.prettifyError(parsed.error)),
    });
  };
}
