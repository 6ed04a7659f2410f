/**
 * A real Prometheus (Debian's `prometheus` package) scrapes the metrics function on a test database
 * with traffic, loopback only: promtool lints the text it serves, and every Grafana panel's and every
 * alert's expression must parse and return data through Prometheus' HTTP API. The traffic is shaped so
 * that every alert's condition holds; a second metrics function whose database is down and a port
 * where nothing listens give the "database down" and "unreachable" alerts their data.
 */
import assert from "node:assert/strict";
import { createHandler } from "../supabase/functions/metrics/index.ts";
import {
  dbTest,
  deadDatabaseUrl,
  freeLoopbackPort,
  METRICS_TOKEN,
  testDeps,
  testSql,
} from "../supabase/functions/tests/_helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DASHBOARDS = `${ROOT}monitoring/dashboards`;
const RULES = `${ROOT}monitoring/prometheus/alerts.yml`;
const DEADLINE_MS = 60_000;

interface Stack {
  prom: string;
  healthy: string;
  dbDown: string;
  stop: () => Promise<void>;
}

let started: Promise<Stack> | undefined;
const stack = () => started ??= start();

async function start(): Promise<Stack> {
  const sql = await testSql();
  // The quota alarm, raised the way the agent raises it; the re-drive never ran on this database.
  await sql`select public.agent_record_model_call('gpt-test', 'insufficient_quota', 50)`;
  const [conv] = await sql`insert into public.conversations (wa_id) values ('250700990001') returning id`;
  const serve = async (env: Record<string, string>) => {
    const handler = createHandler((await testDeps(env)).deps);
    return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  };
  const healthy = await serve({});
  const dbDown = await serve({ SUPABASE_DB_URL: deadDatabaseUrl() });
  const target = (s: Deno.HttpServer<Deno.NetAddr>) => `127.0.0.1:${s.addr.port}`;
  const dir = await Deno.makeTempDir({ prefix: "voucher-prometheus-" });
  await Deno.writeTextFile(
    `${dir}/prometheus.yml`,
    JSON.stringify({
      global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
      rule_files: [RULES],
      scrape_configs: [{
        job_name: "voucher-agents",
        metrics_path: "/metrics",
        params: { format: ["prometheus"] },
        authorization: { type: "Bearer", credentials: METRICS_TOKEN },
        static_configs: [{ targets: [target(healthy), `127.0.0.1:${freeLoopbackPort()}`] }],
      }, {
        // postgres.js waits out its timeout (8 s) once a database has refused it: a slower job.
        job_name: "voucher-agents-db-down",
        scrape_interval: "10s",
        scrape_timeout: "9s",
        metrics_path: "/metrics",
        params: { format: ["prometheus"] },
        authorization: { type: "Bearer", credentials: METRICS_TOKEN },
        static_configs: [{ targets: [target(dbDown)] }],
      }],
    }),
  );
  const port = freeLoopbackPort();
  const prometheus = new Deno.Command("prometheus", {
    args: [
      `--config.file=${dir}/prometheus.yml`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    stdout: "null",
    stderr: "piped",
  });
  let child: Deno.ChildProcess;
  try {
    child = prometheus.spawn();
  } catch (error) {
    throw new Error(
      "Cannot start prometheus: ./scripts/test installs Debian's package (apt-get install prometheus)",
      { cause: error },
    );
  }
  let running = true;
  const traffic = (async () => {
    while (running) {
      await addTraffic(sql, conv!.id);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  return {
    prom: `http://127.0.0.1:${port}`,
    healthy: `http://${target(healthy)}`,
    dbDown: `http://${target(dbDown)}`,
    stop: async () => {
      running = false;
      await traffic;
      child.kill("SIGTERM");
      const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
      if (!status.success && status.signal !== "SIGTERM") console.error(stderr);
      await Promise.all([healthy.shutdown(), dbDown.shutdown(), sql.end()]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * One round of traffic, each above its alert's threshold: lookups with 1 in 51 answered 500, webhook
 * calls of 6-9 s, a tool failing 1 in 11, 9 of 10 replies delivered, one more reply due each round.
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
    insert into public.model_calls (model, outcome, latency_ms, input_tokens, output_tokens)
    select 'gpt-test', case when i = 1 then 'timeout' else 'ok' end, 400 * i, 100, 10 from generate_series(1, 4) i`;
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
  const instance = s.healthy.replace("http://", "");
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
    assert.equal(alerts.length, 9, "the rules of monitoring/prometheus/alerts.yml are loaded");
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
