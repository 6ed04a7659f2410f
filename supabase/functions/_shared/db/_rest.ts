/** The `rest` transport: supabase-js `.rpc()` through PostgREST with the service role key. */
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.ts";
import type { Db, RpcName, RpcOptions } from "./_port.ts";
import { DEFAULT_RPC_TIMEOUT_MS, definedArgs, failFast, toDbError, withTimeout } from "./_common.ts";

export function createRestDb(url: string, serviceRoleKey: string, fetchImpl: typeof fetch): Db {
  const client = createClient<Database>(url, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: fetchImpl },
  });
  const gate = failFast();
  return {
    transport: "rest",
    rpc(fn, args, options) {
      const call = () => run(fn, args, options);
      return options?.priority ? gate(call) : call();
    },
    close: () => Promise.resolve(),
  };

  async function run(fn: RpcName, args: object, options: RpcOptions | undefined) {
    const abort = new AbortController();
    const call = client.rpc(fn, Object.fromEntries(definedArgs(args)) as never).abortSignal(abort.signal);
    const { data, error } = await withTimeout(
      Promise.resolve(call),
      options?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
      () => abort.abort(),
    );
    if (error) {
      throw toDbError({ code: error.code, message: error.message, detail: error.details }, error);
    }
    // deno-lint-ignore no-explicit-any
    return data as any;
  }
}
