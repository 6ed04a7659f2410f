/**
 * A real Prometheus (Debian's `prometheus` package) scrapes the local stack (the dev gateway serving
 * every function on a test database with traffic) with the shipped monitoring/prometheus/prometheus.yml,
 * loopback only: promtool lints the text it serves, and every Grafana panel's and every alert's
 * expression must parse and return data through Prometheus' HTTP API. The traffic is shaped so that
 * every alert's condition holds; a metrics function whose database is down and a port where nothing
 * listens give the "database down" and "unreachable" alerts their data.
 */
import assert from "node:assert/strict";
import { createHandler } from "../../supabase/functions/metrics/index.ts";
import {
  dbTest,
  deadDatabaseUrl,
  freeLoopbackPort,
  METRICS_TOKEN,
  testDatabaseUrl,
  testDeps,
  testSql,
} from "../../supabase/functions/_testing/harness.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DASHBOARDS = `${ROOT}monitoring/dashboards`;
const RULES = `${ROOT}monitoring/prometheus/alerts.yml`;
const DEADLINE_MS = 60_000;

interface Stack {
  prom: string;
  /** The metrics URL on the local gateway, as Prometheus scrapes it. */
  healthy: string;
  dbDown: string;
  stop: () => Promise<void>;
}

let started: Promise<Stack> | undefined;
const stack = () => started ??= start();

/** The shipped local config with the test's ports, a 1 s interval and one more job: a database that is down. */
async function prometheusConfig(dir: string, gateway: number, dbDown: number): Promise<string> {
  let text = await Deno.readTextFile(`${ROOT}monitoring/prometheus/prometheus.yml`);
  const edits: [string, string][] = [
    ["scrape_interval: 30s", "scrape_interval: 1s"],
    ["scrape_timeout: 10s", "scrape_timeout: 1s"],
    ["evaluation_interval: 30s", "evaluation_interval: 1s"],
    ["  - alerts.yml", `  - ${RULES}`],
    ["credentials_file: ../../.local/metrics_token", `credentials_file: ${dir}/metrics_token`],
    [
      '- targets: ["127.0.0.1:54321"]',
      `- targets: ["127.0.0.1:${gateway}", "127.0.0.1:${freeLoopbackPort()}"]`,
    ],
  ];
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `monitoring/prometheus/prometheus.yml has ${from}`);
    text = text.replace(from, to);
  }
  // postgres.js waits out its timeout (8 s) once a database has refused it: a slower job.
  return `${text}
  - job_name: voucher-agents-db-down
    scrape_interval: 10s
    scrape_timeout: 9s
    metrics_path: /metrics
    params: { format: [prometheus] }
    authorization: { type: Bearer, credentials_file: ${dir}/metrics_token }
    static_configs: [{ targets: ["127.0.0.1:${dbDown}"] }]
`;
}

/** A command in a child process whose stderr is read all along; `stop()` sends SIGTERM. */
function spawn(command: string, args: string[], env: Record<string, string> = {}) {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, { args, env, stdout: "null", stderr: "piped" }).spawn();
  } catch (error) {
    throw new Error(`Cannot start ${command}: ./scripts/test installs Debian's prometheus`, { cause: error });
  }
  const stderr = new Response(child.stderr).text();
  return {
    stop: async () => {
      child.kill("SIGTERM");
      const status = await child.status;
      if (!status.success && status.signal !== "SIGTERM") console.error(await stderr);
      await stderr;
    },
  };
}

async function start(): Promise<Stack> {
  const sql = await testSql();
  // The quota alarm, raised the way the agent raises it; the re-drive never ran on this database.
  await sql`select public.agent_record_model_call('gpt-test', 'insufficient_quota', 50)`;
  // A daily AI budget the traffic's model calls spend at once.
  await sql`update public.app_settings set value = '0.000001' where key = 'ai_daily_budget_usd'`;
  const [conv] = await sql`insert into public.conversations (wa_id) values ('250700990001') returning id`;
  // A body kept without its messages (an event kind the database refuses), waiting for a replay.
  await sql`select public.whatsapp_receive(encode('{"kept":1}', 'base64'), 'received', null, null, null,
    '[{"kind": "not-a-kind", "payload": {}}]')`;
  // Three wrong confirmation codes from one operator in the last hour: a phone in the wrong hands.
  await sql`
    with o as (insert into public.operators (msisdn, name) values ('+250700990009', 'Prom Teller') returning id)
    insert into public.confirmation_failures (operator_id, verb) select o.id, 'confirm' from o, generate_series(1, 3)`;
  // A template Meta paused.
  await sql`update public.whatsapp_templates set status = 'paused' where name = 'voucher_update' and language = 'sw'`;
  const dir = await Deno.makeTempDir({ prefix: "voucher-prometheus-" });
  await Deno.writeTextFile(`${dir}/metrics_token`, METRICS_TOKEN);
  // The local stack: the dev gateway serving every function on the test database.
  const gatewayPort = freeLoopbackPort();
  const gateway = spawn(Deno.execPath(), ["run", "--allow-all", `${ROOT}scripts/local/gateway.ts`], {
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_LOG_FILE: `${dir}/app.log`,
    GATEWAY_NET_WORKER: "off",
    SUPABASE_DB_URL: await testDatabaseUrl(),
    METRICS_TOKEN,
  });
  const healthy = `http://127.0.0.1:${gatewayPort}/functions/v1`;
  const dbDown = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    createHandler((await testDeps({ SUPABASE_DB_URL: deadDatabaseUrl() })).deps),
  );
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const up = await fetch(`${healthy}/health`).then(
      async (r) => (await r.body?.cancel(), true),
      () => false,
    );
    if (up) break;
    if (Date.now() > until) throw new Error("the gateway did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  await Deno.writeTextFile(
    `${dir}/prometheus.yml`,
    await prometheusConfig(dir, gatewayPort, dbDown.addr.port),
  );
  const port = freeLoopbackPort();
  const prometheus = spawn("prometheus", [
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=warn",
  ]);
  let running = true;
  const traffic = (async () => {
    while (running) {
      await addTraffic(sql, conv!.id);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  return {
    prom: `http://127.0.0.1:${port}`,
    healthy,
    dbDown: `http://127.0.0.1:${dbDown.addr.port}`,
    stop: async () => {
      running = false;
      await traffic;
      await Promise.all([prometheus.stop(), gateway.stop(), dbDown.shutdown(), sql.end()]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * One round of traffic, each above its alert's threshold: lookups with 1 in 51 answered 500, webhook
 * calls of 6-9 s, a tool failing 1 in 11 (and an MCP one 1 in 3), 9 of 10 replies delivered, one more
 * reply due each round, a voice call accepted after a failed answer.
 */
async function addTraffic(sql: Awaited<ReturnType<typeof testSql>>, conversation: string): Promise<void> {
  await sql`
    insert into public.request_log (function_name, method, status, duration_ms)
    select 'tool-lookup-customer', 'POST', case when i = 1 then 500 else 200 end, 10 + i from generate_series(1, 51) i
    union all select 'whatsapp-webhook', 'POST', 200, 6000 + i * 500 from generate_series(1, 6) i`;
  await sql`
    insert into public.tool_calls (call_id, tool, caller_role, success, latency_ms)
    select 'call_' || i, 'list_vouchers', 'customer', i > 1, i * 4 from generate_series(1, 11) i`;
  await sql`
    insert into public.tool_calls (call_id, tool, caller_role, success, latency_ms, channel)
    select 'mcp_' || i, 'transfer_to_human', 'customer', i > 1, i * 6, 'mcp' from generate_series(1, 3) i`;
  await sql`
    insert into public.model_calls (model, outcome, latency_ms, input_tokens, output_tokens, conversation_id)
    select 'gpt-test', case when i = 1 then 'timeout' else 'ok' end, 400 * i, 100, 10, ${conversation}
    from generate_series(1, 4) i`;
  await sql`
    insert into public.messages (conversation_id, direction, type, status, sent_at, error_code, failed_at)
    select ${conversation}, 'outbound', 'text', s.status, s.sent_at, s.code, s.failed_at
    from (select case when i <= 9 then 'delivered' else 'sent' end as status, now() as sent_at,
            null::integer as code, null::timestamptz as failed_at from generate_series(1, 10) i
          union all select 'pending', null, null, null
          union all select 'failed', null, 131047, now()) s`;
  await sql`
    insert into public.messages (conversation_id, direction, type, status, wa_message_id)
    values (${conversation}, 'inbound', 'text', 'answered', 'wamid.' || gen_random_uuid())`;
  await sql`
    insert into public.voice_calls (call_id, webhook_id, decision, outcome, accept_latency_ms, failures)
    values ('rtc_' || gen_random_uuid(), 'wh_' || gen_random_uuid(), 'accept', 'done', 700, 1)`;
}

async function query(
  prom: string,
  expr: string,
): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const res = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  return await res.json();
}

/** Waits until Prometheus scraped the healthy target often enough for rate() over the traffic. */
async function scraped(s: Stack): Promise<void> {
  const until = Date.now() + DEADLINE_MS;
  const instance = new URL(s.healthy).host;
  while (Date.now() < until) {
    try {
      const r = await query(s.prom, `count_over_time(voucher_database_up{instance="${instance}"}[1m])`);
      const value = Number((r.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
      const down = await query(
        s.prom,
        'count_over_time(voucher_database_up{job="voucher-agents-db-down"}[1m])',
      );
      if (value >= 6 && down.data?.result.length) return;
    } catch {
      // Prometheus is still starting.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("Prometheus did not scrape the metrics function 6 times within 60 s");
}

/** Runs promtool check metrics on a text; resolves to its complaints (empty when it passes). */
async function promtoolCheckMetrics(text: string): Promise<string> {
  const child = new Deno.Command("promtool", { args: ["check", "metrics"], stdin: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  return out.success ? "" : new TextDecoder().decode(out.stderr) || "promtool failed";
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics?format=prometheus`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  assert.equal(res.status, 200);
  return await res.text();
}

dbTest(
  "promtool check metrics passes on the metrics function's text, with and without a database",
  async () => {
    const s = await stack();
    await scraped(s);
    const text = await scrape(s.healthy);
    for (
      const name of [
        "voucher_requests_total",
        "voucher_request_duration_seconds_bucket",
        "voucher_database_up 1",
      ]
    ) {
      assert.ok(text.includes(name), name);
    }
    assert.equal(await promtoolCheckMetrics(text), "");
    const down = await scrape(s.dbDown);
    assert.match(down, /^voucher_database_up 0$/m);
    assert.equal(await promtoolCheckMetrics(down), "");
  },
);

dbTest("every dashboard panel's expression parses and returns data in Prometheus", async () => {
  const s = await stack();
  await scraped(s);
  const failures: string[] = [];
  let count = 0;
  const titles: string[] = [];
  for await (const entry of Deno.readDir(DASHBOARDS)) {
    const board = JSON.parse(await Deno.readTextFile(`${DASHBOARDS}/${entry.name}`));
    titles.push(board.title);
    assert.ok(board.templating.list.some((v: { type: string }) => v.type === "datasource"), entry.name);
    for (const panel of board.panels) {
      assert.equal(panel.datasource.uid, "${datasource}", `${entry.name} "${panel.title}" uses the variable`);
      for (const target of panel.targets) {
        count++;
        const r = await query(s.prom, target.expr);
        if (r.status !== "success" || !r.data?.result.length) {
          failures.push(`${entry.name} "${panel.title}": ${target.expr} -> ${r.error ?? "no data"}`);
        }
      }
    }
  }
  assert.deepEqual(titles.sort(), [
    "Voucher agents: Database",
    "Voucher agents: Error Rate",
    "Voucher agents: Latency",
    "Voucher agents: Service Health",
  ], "the four dashboards the runbook names");
  assert.ok(count >= 20, `${count} panel expressions`);
  assert.deepEqual(failures, []);
});

dbTest(
  "every alert's expression returns data, and Prometheus holds each alert pending or firing",
  async () => {
    const s = await stack();
    await scraped(s);
    const rules = await (await fetch(`${s.prom}/api/v1/rules?type=alert`)).json();
    const alerts = rules.data.groups.flatMap((g: { rules: unknown[] }) => g.rules) as {
      name: string;
      query: string;
      state: string;
    }[];
    assert.equal(alerts.length, 14, "the rules of monitoring/prometheus/alerts.yml are loaded");
    const failures: string[] = [];
    for (const alert of alerts) {
      const r = await query(s.prom, alert.query);
      if (r.status !== "success" || !r.data?.result.length) {
        failures.push(`${alert.name}: ${alert.query} -> ${r.error ?? "no data"}`);
      }
    }
    assert.deepEqual(failures, []);
    const until = Date.now() + 10_000;
    let inactive: string[] = [];
    do {
      const now = await (await fetch(`${s.prom}/api/v1/rules?type=alert`)).json();
      inactive = now.data.groups.flatMap((g: { rules: { name: string; state: string }[] }) =>
        g.rules.filter((r) => r.state === "inactive").map((r) => r.name)
      );
      if (inactive.length) await new Promise((r) => setTimeout(r, 500));
    } while (inactive.length && Date.now() < until);
    assert.deepEqual(inactive, []);
  },
);

dbTest("the Prometheus test stops everything it started", async () => {
  if (started) await (await started).stop();
});
