/**
 * The rows each case creates for itself: customers with vouchers, operators, numbers nobody has and
 * username accounts, with values unique to the run (numbers +25071..., user ids RW.EVAL..., codes
 * drawn by the database),
 * so runs on a shared database never collide. Everything is deleted again by cleanup().
 */
import type postgres from "postgres";
import type { EvalCase, Vars } from "./case.ts";

/** Who writes a case's messages, as WhatsApp and the database know them. */
export interface EvalSender {
  key: string;
  role: "customer" | "operator";
  /** Digits, as Meta sends them; null for a username account. */
  waId: string | null;
  userId: string | null;
  msisdn: string | null;
  name: string;
  username: string | null;
}

/** A customer, for the PII grader. */
export interface Person {
  msisdn: string;
  name: string;
}

export interface CaseFixtures {
  vars: Vars;
  sender: EvalSender;
  /** Every fixture that can write, by key: a turn `from` another one (staff answering a handoff). */
  writers: Record<string, EvalSender>;
}

export interface FixtureStore {
  create(c: EvalCase): Promise<CaseFixtures>;
  /** Every customer in the database (seed, fixtures, others), for the PII grader. */
  people(): Promise<Person[]>;
  /** Deletes every row this store created, their conversations, messages and tool calls with them. */
  cleanup(): Promise<void>;
}

/** A store writing through `sql` (a direct postgres.js client: fixtures are set-up, not app logic). */
export function createFixtureStore(sql: postgres.Sql): FixtureStore {
  const customerIds: string[] = [];
  const operatorIds: string[] = [];
  const waIds: string[] = [];
  const userIds: string[] = [];
  const taken = new Set<string>();

  /**
   * A number (+25071 and 7 digits) that no customer, operator or chat uses yet. 071 is no Rwandan
   * operator's range (mobiles are 072, 073, 077-079), so no real subscriber gets a message from a run;
   * the seed uses 070.
   */
  async function freshMsisdn(): Promise<string> {
    for (;;) {
      const msisdn = `+25071${String(randomInt(10_000_000)).padStart(7, "0")}`;
      if (taken.has(msisdn)) continue;
      const [row] = await sql`
        select exists (select 1 from public.customers where msisdn = ${msisdn})
          or exists (select 1 from public.operators where msisdn = ${msisdn})
          or exists (select 1 from public.conversations where wa_id = ${msisdn.slice(1)}) as used`;
      if (row?.used) continue;
      taken.add(msisdn);
      return msisdn;
    }
  }

  async function create(c: EvalCase): Promise<CaseFixtures> {
    const vars: Vars = {};
    const writers: Record<string, EvalSender> = {};
    for (const [key, f] of Object.entries(c.fixtures)) {
      const who: EvalSender = {
        key,
        role: "customer",
        waId: null,
        userId: null,
        msisdn: null,
        name: "",
        username: null,
      };
      if (f.kind === "username") {
        who.userId = `RW.EVAL${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
        who.username = f.username;
        who.name = f.username;
        vars[`${key}.username`] = f.username;
        userIds.push(who.userId);
      } else {
        const msisdn = await freshMsisdn();
        Object.assign(who, { msisdn, waId: msisdn.slice(1) });
        Object.assign(vars, {
          [`${key}.msisdn`]: msisdn,
          [`${key}.local`]: `0${msisdn.slice(4)}`,
          [`${key}.digits`]: msisdn.slice(1),
          [`${key}.spaced`]: `+250 ${msisdn.slice(4, 7)} ${msisdn.slice(7, 10)} ${msisdn.slice(10)}`,
        });
        waIds.push(msisdn.slice(1));
      }
      if (f.kind === "customer") {
        who.name = f.name;
        vars[`${key}.name`] = f.name;
        const [row] = await sql`
          insert into public.customers (msisdn, name, preferred_language)
          values (${who.msisdn}, ${f.name}, ${f.language}) returning id`;
        customerIds.push(row!.id);
        for (const [i, v] of f.vouchers.entries()) {
          const [voucher] = await sql`
            insert into public.vouchers (code, customer_id, amount_rwf, status, redeemed_at, voided_at,
              void_reason, created_at)
            values (public.generate_voucher_code(), ${row!.id}, ${v.amount}, ${v.status},
              ${v.status === "redeemed" ? new Date() : null}, ${v.status === "void" ? new Date() : null},
              ${v.status === "void" ? "Eval fixture" : null}, now() - make_interval(mins => ${i + 1}))
            returning code`;
          Object.assign(vars, {
            [`${key}.v${i + 1}.code`]: voucher!.code,
            [`${key}.v${i + 1}.lower`]: voucher!.code.toLowerCase(),
            [`${key}.v${i + 1}.amount`]: String(v.amount),
            [`${key}.v${i + 1}.status`]: v.status,
          });
        }
      } else if (f.kind === "operator") {
        who.name = f.name;
        vars[`${key}.name`] = f.name;
        const [row] = await sql`
          insert into public.operators (msisdn, name, active) values (${who.msisdn}, ${f.name}, ${f.active})
          returning id`;
        operatorIds.push(row!.id);
        if (f.alsoCustomer) {
          const [self] = await sql`
            insert into public.customers (msisdn, name, preferred_language) values (${who.msisdn}, ${f.name}, 'en')
            returning id`;
          customerIds.push(self!.id);
        }
        // An inactive operator writes as a customer: whatsapp_claim_turn asks for an active one.
        if (f.active) who.role = "operator";
      }
      writers[key] = who;
    }
    return { vars, sender: writers[c.sender]!, writers };
  }

  return {
    create,
    async people() {
      const rows = await sql<Person[]>`select msisdn, name from public.customers`;
      return rows.map((r) => ({ msisdn: r.msisdn, name: r.name }));
    },
    async cleanup() {
      await sql.begin(async (tx) => {
        await tx`delete from public.conversations where wa_id = any(${waIds}) or user_id = any(${userIds})`;
        await tx`delete from public.vouchers where customer_id = any(${customerIds}::uuid[])`;
        await tx`delete from public.customers where id = any(${customerIds}::uuid[])`;
        // An operator who has acted cannot be deleted: the case's own actions go first.
        await tx`delete from public.pending_actions where operator_id = any(${operatorIds}::uuid[])`;
        await tx`delete from public.operators where id = any(${operatorIds}::uuid[])`;
      });
    },
  };
}

function randomInt(below: number): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return Math.floor((n! / 2 ** 32) * below);
}
