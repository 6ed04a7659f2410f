import assert from "node:assert/strict";
import { PRIVILEGED_FLAGS } from "./config.ts";
import { createFlags, FLAG_CACHE_MS, FLAG_DEFAULTS, type FlagStates } from "./flags.ts";
import type { Db, RpcOptions } from "./db/mod.ts";
import { createLogger } from "./log.ts";

type Answer = () => Promise<unknown>;

/** A fake Db whose get_feature_flags answers come from `answer`, counting calls. */
function fakeDb(answer: Answer) {
  const calls: { fn: string; args: unknown; options: RpcOptions | undefined }[] = [];
  const db = {
    transport: "sql",
    rpc: async (fn: string, args: unknown, options?: RpcOptions) => {
      calls.push({ fn, args, options });
      return await answer();
    },
    close: () => Promise.resolve(),
  } as unknown as Db;
  return { db, calls };
}

function setup(
  answer: Answer,
  overrides: Parameters<typeof createFlags>[0]["overrides"] = {},
  ttlMs?: number,
) {
  const clock = { t: 1_000 };
  const lines: string[] = [];
  const log = createLogger({ sink: (line) => lines.push(line) });
  const { db, calls } = fakeDb(answer);
  const flags = createFlags({
    db,
    overrides,
    now: () => clock.t,
    log,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  });
  const warnings = () =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.level === "warn");
  return { flags, calls, clock, warnings };
}

const TABLE = {
  AI_RESPONSES_ENABLED: false,
  AI_REALTIME_ENABLED: true,
  WHATSAPP_INTEGRATION_ENABLED: false,
  VOUCHER_CREATION_ENABLED: true,
  VOUCHER_REDEMPTION_ENABLED: false,
  VOUCHER_VOID_ENABLED: true,
  AI_VOICE_NOTES_ENABLED: true,
};

function sources(states: FlagStates): Record<string, string> {
  return Object.fromEntries(Object.entries(states).map(([k, v]) => [k, v.source]));
}

Deno.test("createFlags() uses the feature_flags table values with source 'database'", async () => {
  const { flags, calls } = setup(() => Promise.resolve(TABLE));
  const states = await flags.all();
  assert.deepEqual(states, {
    AI_RESPONSES_ENABLED: { enabled: false, source: "database" },
    AI_REALTIME_ENABLED: { enabled: true, source: "database" },
    WHATSAPP_INTEGRATION_ENABLED: { enabled: false, source: "database" },
    VOUCHER_CREATION_ENABLED: { enabled: true, source: "database" },
    VOUCHER_REDEMPTION_ENABLED: { enabled: false, source: "database" },
    VOUCHER_VOID_ENABLED: { enabled: true, source: "database" },
    AI_VOICE_NOTES_ENABLED: { enabled: true, source: "database" },
  });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.fn, "get_feature_flags");
  assert.deepEqual(calls[0]?.args, {});
  assert.equal(typeof calls[0]?.options?.timeoutMs, "number", "the read has a timeout of its own");
});

Deno.test("createFlags() lets environment overrides win over the table, with source 'environment'", async () => {
  const { flags } = setup(() => Promise.resolve(TABLE), {
    AI_RESPONSES_ENABLED: true,
    VOUCHER_CREATION_ENABLED: false,
  });
  const states = await flags.all();
  assert.deepEqual(states.AI_RESPONSES_ENABLED, { enabled: true, source: "environment" });
  assert.deepEqual(states.VOUCHER_CREATION_ENABLED, { enabled: false, source: "environment" });
  assert.deepEqual(states.WHATSAPP_INTEGRATION_ENABLED, { enabled: false, source: "database" });
  assert.equal(await flags.isEnabled("AI_RESPONSES_ENABLED"), true);
  assert.equal(await flags.isEnabled("VOUCHER_CREATION_ENABLED"), false);
});

Deno.test("createFlags() falls back to defaults for flags missing from the table or not boolean", async () => {
  const { flags } = setup(() =>
    Promise.resolve({ AI_RESPONSES_ENABLED: false, AI_REALTIME_ENABLED: "true" })
  );
  const states = await flags.all();
  assert.deepEqual(states.AI_RESPONSES_ENABLED, { enabled: false, source: "database" });
  assert.deepEqual(states.AI_REALTIME_ENABLED, {
    enabled: FLAG_DEFAULTS.AI_REALTIME_ENABLED,
    source: "default",
  });
  assert.deepEqual(states.VOUCHER_REDEMPTION_ENABLED, {
    enabled: FLAG_DEFAULTS.VOUCHER_REDEMPTION_ENABLED,
    source: "default",
  });
});

Deno.test("createFlags() keeps every privileged switch off on a cold isolate whose flag read fails", async () => {
  const { flags } = setup(() => Promise.reject(new Error("connection refused")));
  const states = await flags.all();
  for (const name of PRIVILEGED_FLAGS) {
    assert.deepEqual(states[name], { enabled: false, source: "default" }, name);
  }
  assert.equal(states.AI_RESPONSES_ENABLED.enabled, true, "the service's own switches keep their defaults");
});

Deno.test("createFlags() treats a privileged switch missing from the table as off", async () => {
  const { flags } = setup(() => Promise.resolve({ VOUCHER_CREATION_ENABLED: true }));
  assert.equal(await flags.isEnabled("VOUCHER_CREATION_ENABLED"), true);
  assert.equal(await flags.isEnabled("VOUCHER_VOID_ENABLED"), false);
});

Deno.test("createFlags() reads the table once for several calls within the ttl", async () => {
  const { flags, calls, clock } = setup(() => Promise.resolve(TABLE), {}, 5_000);
  await flags.all();
  clock.t += 1_000;
  await flags.isEnabled("AI_RESPONSES_ENABLED");
  clock.t += 3_999;
  await flags.all();
  assert.equal(calls.length, 1);
});

Deno.test("createFlags() caches for FLAG_CACHE_MS by default", async () => {
  const { flags, calls, clock } = setup(() => Promise.resolve(TABLE));
  await flags.all();
  clock.t += FLAG_CACHE_MS - 1;
  await flags.all();
  assert.equal(calls.length, 1);
  clock.t += 1;
  await flags.all();
  assert.equal(calls.length, 2);
});

Deno.test("createFlags() reads the table again once the ttl has passed, and uses the new values", async () => {
  let table: Record<string, boolean> = { AI_RESPONSES_ENABLED: true };
  const { flags, calls, clock } = setup(() => Promise.resolve(table), {}, 5_000);
  assert.equal(await flags.isEnabled("AI_RESPONSES_ENABLED"), true);
  table = { AI_RESPONSES_ENABLED: false };
  clock.t += 4_000;
  assert.equal(await flags.isEnabled("AI_RESPONSES_ENABLED"), true, "still the cached value");
  clock.t += 1_000;
  assert.equal(await flags.isEnabled("AI_RESPONSES_ENABLED"), false);
  assert.equal(calls.length, 2);
});

Deno.test("createFlags() falls back to defaults with source 'default' when the first read fails, and warns", async () => {
  const { flags, warnings } = setup(() => Promise.reject(new Error("connection refused")));
  const states = await flags.all();
  for (const [name, enabled] of Object.entries(FLAG_DEFAULTS)) {
    assert.deepEqual(states[name as keyof FlagStates], { enabled, source: "default" });
  }
  const warned = warnings();
  assert.equal(warned.length, 1);
  assert.equal(warned[0]?.event, "flags");
  assert.deepEqual(warned[0]?.error, { name: "Error", message: "connection refused" });
});

Deno.test("createFlags() keeps environment overrides when the read fails", async () => {
  const { flags } = setup(() => Promise.reject(new Error("down")), { AI_REALTIME_ENABLED: true });
  const states = await flags.all();
  assert.deepEqual(states.AI_REALTIME_ENABLED, { enabled: true, source: "environment" });
  assert.equal(sources(states).AI_RESPONSES_ENABLED, "default");
});

Deno.test("createFlags() keeps the last good table values when a later read fails", async () => {
  let fail = false;
  const { flags, calls, clock, warnings } = setup(
    () => fail ? Promise.reject(new Error("timeout")) : Promise.resolve(TABLE),
    {},
    5_000,
  );
  assert.equal((await flags.all()).AI_RESPONSES_ENABLED.source, "database");
  fail = true;
  clock.t += 5_000;
  const states = await flags.all();
  assert.equal(calls.length, 2);
  assert.deepEqual(states.AI_RESPONSES_ENABLED, { enabled: false, source: "database" });
  assert.deepEqual(states.VOUCHER_REDEMPTION_ENABLED, { enabled: false, source: "database" });
  assert.equal(warnings().length, 1);
});

Deno.test("createFlags() caches a failed read for the ttl too, then retries", async () => {
  let fail = true;
  const { flags, calls, clock } = setup(
    () => fail ? Promise.reject(new Error("down")) : Promise.resolve(TABLE),
    {},
    5_000,
  );
  await flags.all();
  clock.t += 1_000;
  await flags.all();
  assert.equal(calls.length, 1, "no database round trip per request during an outage");
  fail = false;
  clock.t += 4_000;
  assert.equal((await flags.all()).AI_RESPONSES_ENABLED.source, "database");
  assert.equal(calls.length, 2);
});

Deno.test("createFlags() shares one in-flight read between concurrent calls", async () => {
  let release!: (value: unknown) => void;
  const pending = new Promise((resolve) => (release = resolve));
  const { flags, calls } = setup(() => pending);
  const results = Promise.all([flags.all(), flags.isEnabled("AI_RESPONSES_ENABLED"), flags.all()]);
  assert.equal(calls.length, 1);
  release(TABLE);
  const [a, enabled, c] = await results;
  assert.equal(calls.length, 1);
  assert.equal(enabled, false);
  assert.deepEqual(a, c);
  assert.equal(a.AI_RESPONSES_ENABLED.source, "database");
});

Deno.test("createFlags() keeps refreshing after a read that fails synchronously", async () => {
  let calls = 0;
  const db = {
    transport: "sql" as const,
    rpc: (() => {
      calls++;
      if (calls === 1) throw new Error("synchronous failure");
      return Promise.resolve({ AI_RESPONSES_ENABLED: false });
    }) as unknown as Db["rpc"],
    close: () => Promise.resolve(),
  };
  let t = 0;
  const flags = createFlags({
    db,
    overrides: {},
    now: () => t,
    log: createLogger({ sink: () => {} }),
    ttlMs: 10,
  });
  assert.equal(await flags.isEnabled("AI_RESPONSES_ENABLED"), true);
  t = 100;
  assert.equal(await flags.isEnabled("AI_RESPONSES_ENABLED"), false);
  assert.equal(calls, 2);
});
