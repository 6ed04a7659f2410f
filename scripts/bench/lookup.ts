/**
 * tool-lookup-customer: the production handler called in-process (auth, body, msisdn, the SQL
 * function, the JSON answer; the request_log write runs after the response, untimed) against the same
 * SQL function called directly over the same pool, interleaved, at each customer count.
 */
import { createHandler } from "../../supabase/functions/tool-lookup-customer/index.ts";
import { benchDeps, TOOL_KEY } from "./deps.ts";
import { benchMsisdn } from "./seed.ts";
import { percentile } from "../lib/stats.ts";
import { interleaved } from "./stats.ts";

export interface LookupResult {
  customers: number;
  p50: number;
  p95: number;
  directP50: number;
  directP95: number;
}

export async function benchLookup(dbUrl: string, customers: number, runs: number): Promise<LookupResult> {
  const { deps, settle } = benchDeps(dbUrl);
  const handler = createHandler(deps);
  const pick = () => benchMsisdn(1 + Math.floor(Math.random() * customers));
  try {
    // Warm-up: connections open, plans cached.
    for (let i = 0; i < 20; i++) await deps.db.rpc("lookup_customer", { p_msisdn: pick() });
    const t = await interleaved(
      runs,
      async () => {
        const res = await handler(
          new Request("http://127.0.0.1/functions/v1/tool-lookup-customer", {
            method: "POST",
            headers: { authorization: `Bearer ${TOOL_KEY}`, "content-type": "application/json" },
            body: JSON.stringify({ msisdn: pick() }),
          }),
        );
        if (res.status !== 200) throw new Error(`tool-lookup-customer answered ${res.status}`);
        await res.arrayBuffer();
      },
      async () => {
        if (!(await deps.db.rpc("lookup_customer", { p_msisdn: pick() }))) throw new Error("no customer");
      },
      settle,
    );
    return {
      customers,
      p50: percentile(t.work, 0.5),
      p95: percentile(t.work, 0.95),
      directP50: percentile(t.base, 0.5),
      directP95: percentile(t.base, 0.95),
    };
  } finally {
    await deps.db.close();
  }
}
