/** The conversation's claim: one worker answers a conversation at a time, under a lease it renews. */
import { type Db, renewClaim as renewLease } from "../db/mod.ts";
import { CLAIM_LEASE_SECONDS } from "./constants.ts";

/** The claim's keys as the SQL functions take them. */
export interface ClaimIds {
  p_conversation_id: string;
  p_worker: string;
}

/** Extends the worker's claim by CLAIM_LEASE_SECONDS; throws ClaimLost if it has lapsed. */
export async function renewClaim(d: { db: Db }, ids: ClaimIds): Promise<void> {
  await renewLease(d.db, { ...ids, p_lease_seconds: CLAIM_LEASE_SECONDS });
}
