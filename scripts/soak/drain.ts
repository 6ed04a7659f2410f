/** After the traffic: work until nothing is waiting, due or claimed, with a deadline (the soak, the bench's outage). */
import type postgres from "postgres";
import { sleep } from "./faults.ts";

export interface DrainOptions {
  /** Moves the clock past requeue's 2 minutes for rows left `sending` that no worker holds, instead of waiting. */
  moveClock: boolean;
  deadlineMs: number;
  /** What pg_cron does every minute: requeue stuck work, ask for a drain. */
  cron: () => Promise<void>;
}

/** Drains; `drained` is false when work was left at the deadline. */
export async function drain(sql: postgres.Sql, o: DrainOptions): Promise<{ drained: boolean; ms: number }> {
  const started = performance.now();
  let drained = false;
  while (performance.now() - started < o.deadlineMs && !drained) {
    // A send under way when Postgres went away stays "sending" until requeue looks again, 2 minutes
    // later: a short run moves the clock past that for rows no worker holds.
    if (o.moveClock) {
      // (replica: the updated_at trigger would set it back to now()).
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update public.messages m set updated_at = now() - interval '3 minutes'
          from public.conversations c where c.id = m.conversation_id and m.status = 'sending'
            and c.claimed_by is null and m.updated_at < now() - interval '10 seconds'`;
      }).catch(() => {});
    }
    await o.cron();
    await sleep(1_000);
    const [left] = await sql`
      select count(*) filter (where m.direction = 'inbound' and m.status in ('received', 'processing'))::int
        + count(*) filter (where m.direction = 'outbound' and m.status in ('pending', 'sending'))::int as n,
        (select count(*)::int from public.conversations c where c.claimed_by is not null) as claimed
      from public.messages m`.catch(() => [{ n: -1, claimed: -1 }]);
    drained = left!.n === 0 && left!.claimed === 0;
  }
  return { drained, ms: performance.now() - started };
}
