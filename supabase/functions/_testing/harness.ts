/** Test wiring for tests and tools: a database cloned from the migrated template per test file, real deps around it, loopback helpers. */
import postgres from "postgres";
import { createDeps, type Deps } from "../_shared/deps.ts";
import { settledWork } from "../_shared/runtime.ts";

export const TOOL_KEY = "tool-key-aaaaaaaaaaaaaaaa";
export const TOOL_KEY_NEXT = "tool-key-bbbbbbbbbbbbbbbb";
export const METRICS_TOKEN = "metrics-token-cccccccccccc";

/** Integration tests hold pooled connections across tests, so resource sanitizers are off for them. */
export const dbTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

let cloned: Promise<string> | undefined;

/**
 * The URL of this test file's own database, a clone of the template ./scripts/test migrated
 * (TEST_PG_PORT, TEST_TEMPLATE_DB). The cluster is thrown away after the run.
 */
export function testDatabaseUrl(): Promise<string> {
  return cloned ??= (async () => {
    const port = Deno.env.get("TEST_PG_PORT");
    const template = Deno.env.get("TEST_TEMPLATE_DB");
    if (!port || !template) {
      throw new Error(
        "Integration tests need TEST_PG_PORT and TEST_TEMPLATE_DB: run them through ./scripts/test",
      );
    }
    const name = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const admin = postgres(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, {
      max: 1,
      onnotice: () => {},
    });
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
    } finally {
      await admin.end();
    }
    return `postgresql://postgres:postgres@127.0.0.1:${port}/${name}`;
  })();
}

/** A direct postgres.js client on the test database, for arranging and inspecting rows. */
export async function testSql(): Promise<postgres.Sql> {
  return postgres(await testDatabaseUrl(), { max: 4, onnotice: () => {} });
}

export interface TestDeps {
  deps: Deps;
  /** Every log line written, parsed. */
  lines: Record<string, unknown>[];
  /** The raw log output, to check nothing secret reached it. */
  raw: () => string;
  /** Waits for the work handlers left running after their response (request_log writes). */
  settle: () => Promise<void>;
}

/** Real config, database, flags and logger on the test database; `env` adds or overrides variables. */
export async function testDeps(env: Record<string, string> = {}): Promise<TestDeps> {
  const out: string[] = [];
  const work = settledWork();
  const deps = createDeps(
    {
      SUPABASE_DB_URL: await testDatabaseUrl(),
      TOOL_API_KEYS: `${TOOL_KEY},${TOOL_KEY_NEXT}`,
      METRICS_TOKEN,
      LOG_LEVEL: "debug",
      ...env,
    },
    [],
    // Flags read fresh on every call, and retries that do not wait.
    {
      sink: (line) => out.push(line),
      waitUntil: work.waitUntil,
      flagTtlMs: 0,
      sleep: () => Promise.resolve(),
    },
  );
  return {
    deps,
    get lines() {
      return out.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    raw: () => out.join("\n"),
    settle: work.settle,
  };
}

/** A loopback port nothing listens on (the OS just handed it out and it was released). */
export function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * A loopback port that takes connections and never answers, like a service behind a dead network
 * path; `close()` drops the listener and every connection it took.
 */
export function silentListener(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const conn of held) conn.close();
    },
  };
}

/** A postgres URL on a loopback port where nothing listens: a database that is down. */
export function deadDatabaseUrl(): string {
  return `postgresql://postgres:postgres@127.0.0.1:${freeLoopbackPort()}/postgres`;
}

/** Inserts a customer with vouchers in the given statuses; returns the customer's number. */
export async function insertCustomer(
  sql: postgres.Sql,
  msisdn: string,
  name: string,
  vouchers: { code: string; amount: number; status: "issued" | "redeemed" | "void" }[] = [],
): Promise<void> {
  const [customer] = await sql`
    insert into public.customers (msisdn, name, preferred_language) values (${msisdn}, ${name}, 'rw') returning id`;
  for (const [i, v] of vouchers.entries()) {
    await sql`
      insert into public.vouchers (code, customer_id, amount_rwf, status, redeemed_at, voided_at, void_reason, created_at)
      values (${v.code}, ${customer!.id}, ${v.amount}, ${v.status},
        ${v.status === "redeemed" ? sql`now()` : null}, ${v.status === "void" ? sql`now()` : null},
        ${v.status === "void" ? "test" : null}, now() - make_interval(mins => ${i}))`;
  }
}

/** A request to a function, as the gateway hands it over. */
export function request(
  path: string,
  init: RequestInit & { json?: unknown; bearer?: string } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("authorization", `Bearer ${init.bearer}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return new Request(`http://127.0.0.1${path}`, { ...init, headers, body });
}

const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** A voucher code no other test uses: random, in the codes' own alphabet. */
export const uniqueCode = () => {
  const pick = () => ALPHABET[crypto.getRandomValues(new Uint8Array(1))[0]! % ALPHABET.length];
  return Array.from({ length: 9 }, (_, i) => (i === 4 ? "-" : pick())).join("");
};
