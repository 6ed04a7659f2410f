import assert from "node:assert/strict";
import { createHandler } from "../health/index.ts";
import {
  dbTest,
  deadDatabaseUrl,
  METRICS_TOKEN,
  request,
  silentListener,
  testDeps,
  testSql,
  TOOL_KEY,
} from "../_testing/harness.ts";

const sql = await testSql();

dbTest("unauthenticated health says up or down and each check's status, no counts or flags", async () => {
  const [op] = await sql`insert into public.operators (msisdn, name) values ('+250788990031', 'Open Teller')
    returning id`;
  await sql`insert into public.customers (msisdn, name) values ('+250788990032', 'Open Client')`;
  await sql`insert into public.vouchers (code, customer_id, amount_rwf, issued_by)
    select 'HLTH-PN23', c.id, 850000, ${op!.id} from public.customers c where c.msisdn = '+250788990032'`;
  try {
    const t = await testDeps({ OPENAI_API_KEY: "sk-test-key-not-real" });
    const res = await createHandler(t.deps)(request("/health"));
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.equal(body.status, "degraded", "an operator near the cap degrades it");
    assert.deepEqual(Object.keys(body).sort(), ["checks", "status"]);
    for (const [name, check] of Object.entries(body.checks)) {
      assert.equal(typeof check, "string", `checks.${name} is a status, not counts`);
    }
    assert.equal(body.checks.database, "ok");
    assert.equal(body.checks.operators, "alarm");
    assert.equal(body.flags, undefined, "flags only with the metrics token");
    assert.doesNotMatch(JSON.stringify(body), /\d/, "no counts at all");
    const detailed = await (await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN })))
      .json();
    assert.equal(detailed.checks.operators.near_daily_cap, 1, "the counts are behind the metrics token");
    assert.equal(typeof detailed.flags.AI_RESPONSES_ENABLED, "boolean");
    const wrong = await createHandler(t.deps)(request("/health", { bearer: "not-the-metrics-token" }));
    assert.equal(wrong.status, 401, "a wrong token is refused, not served the public answer");
  } finally {
    await sql`delete from public.vouchers where code = 'HLTH-PN23'`;
    await sql`delete from public.customers where msisdn = '+250788990032'`;
    await sql`delete from public.operators where msisdn = '+250788990031'`;
  }
});

dbTest("health answers 200 with the database check, configuration and flags", async () => {
  await sql`update public.feature_flags set enabled = false where name = 'VOUCHER_CREATION_ENABLED'`;
  try {
    const t = await testDeps({ OPENAI_API_KEY: "sk-test-key-not-real" });
    const res = await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }));
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.equal(body.status, "ok");
    assert.equal(body.checks.database.ok, true);
    assert.equal(typeof body.checks.database.latency_ms, "number");
    assert.equal(body.checks.openai.configured, true);
    assert.equal(body.checks.whatsapp.configured, false);
    assert.equal(body.flags.VOUCHER_CREATION_ENABLED, false, "read from the table");
    assert.equal(body.flags.AI_RESPONSES_ENABLED, true);
    assert.match(body.version, /^\d+\.\d+\.\d+$/);
    assert.equal(res.headers.get("cache-control"), "no-store");
  } finally {
    await sql`update public.feature_flags set enabled = true where name = 'VOUCHER_CREATION_ENABLED'`;
  }
});

dbTest(
  "health shows the OpenAI quota alarm from insufficient_quota until a call succeeds, still 200",
  async () => {
    const t = await testDeps({ OPENAI_API_KEY: "sk-test-key-not-real" });
    const health = async () => {
      const res = await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }));
      return { status: res.status, body: await res.json() };
    };
    const quota = async () =>
      (await sql`select value from public.app_settings where key = 'openai_quota_error'`)[0]?.value;
    const before = await health();
    assert.equal(before.body.status, "ok");
    assert.equal(before.body.checks.openai.quota_exhausted, false);
    assert.equal(before.body.checks.openai.since, null);

    await sql`select public.agent_record_model_call('gpt-4.1-mini', 'insufficient_quota', 120)`;
    const first = (await quota()).since;
    assert.match(first, /^\d{4}-\d\d-\d\dT/);
    const during = await health();
    assert.equal(during.status, 200, "a degradation, not an outage");
    assert.equal(during.body.status, "degraded");
    assert.deepEqual(during.body.checks.openai, {
      configured: true,
      model: t.deps.config.openai.model,
      quota_exhausted: true,
      since: first,
    });
    assert.equal(during.body.checks.database.ok, true);

    // Repeats and other failures keep the alarm and the time it started.
    await sql`select public.agent_record_model_call('gpt-4.1-mini', 'insufficient_quota', 80)`;
    await sql`select public.agent_record_model_call('gpt-4.1-mini', 'timeout', 20000)`;
    const still = await health();
    assert.equal(still.body.checks.openai.quota_exhausted, true);
    assert.equal(still.body.checks.openai.since, first);
    assert.notEqual((await quota()).at, first, "at moves to the latest refusal");

    await sql`select public.agent_record_model_call('gpt-4.1-mini', 'ok', 900, 1, 300, 40)`;
    const after = await health();
    assert.equal(after.status, 200);
    assert.equal(after.body.status, "ok");
    assert.equal(after.body.checks.openai.quota_exhausted, false);
    assert.equal(after.body.checks.openai.since, null);
    assert.equal(await quota(), undefined, "the alarm row is gone");
  },
);

dbTest("health is degraded, not down, while the WhatsApp token alarm is set", async () => {
  await sql`select public.whatsapp_set_auth_error('Error validating access token')`;
  try {
    const t = await testDeps();
    const res = await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }));
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.equal(body.status, "degraded");
    assert.equal(body.checks.whatsapp.token_error.title, "Error validating access token");
    assert.equal(body.checks.openai.quota_exhausted, false);
  } finally {
    await sql`delete from public.app_settings where key = 'whatsapp_auth_error'`;
  }
});

dbTest("health counts the conversations waiting for staff, degraded past handoff_alarm_open", async () => {
  const ids = await sql`
    insert into public.conversations (wa_id) select '25078899' || lpad(n::text, 4, '0') from generate_series(1, 3) n
    returning id`;
  try {
    const t = await testDeps();
    const health = async () =>
      (await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
    assert.deepEqual((await health()).checks.handoffs, { open: 0, oldest_open_seconds: 0, alarm: false });
    await sql`update public.conversations set state = 'human' where id in ${sql(ids.map((r) => r.id))}`;
    await sql`update public.conversations set state_changed_at = now() - interval '1 hour' where id = ${
      ids[0]!.id
    }`;
    const open = await health();
    assert.equal(open.status, "ok", "informational under the threshold");
    assert.equal(open.checks.handoffs.open, 3);
    assert.ok(open.checks.handoffs.oldest_open_seconds >= 3600);
    assert.doesNotMatch(JSON.stringify(open), /25078899/, "no number in the answer");
    await sql`update public.app_settings set value = '2' where key = 'handoff_alarm_open'`;
    const busy = await health();
    assert.deepEqual([busy.status, busy.checks.handoffs.alarm], ["degraded", true]);
  } finally {
    await sql`update public.app_settings set value = '10' where key = 'handoff_alarm_open'`;
    await sql`delete from public.conversations where id in ${sql(ids.map((r) => r.id))}`;
  }
});

dbTest("health shows an environment flag over the table value", async () => {
  const t = await testDeps({ AI_RESPONSES_ENABLED: "false" });
  const body = await (await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
  assert.equal(body.flags.AI_RESPONSES_ENABLED, false);
});

dbTest("health never shows a secret", async () => {
  const t = await testDeps({
    OPENAI_API_KEY: "sk-test-key-not-real",
    WHATSAPP_ACCESS_TOKEN: "EAAG-secret-token",
  });
  const text = await (await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }))).text() +
    await (await createHandler(t.deps)(request("/health"))).text();
  for (
    const secret of [
      "sk-test-key-not-real",
      "EAAG-secret-token",
      TOOL_KEY,
      METRICS_TOKEN,
      "postgres:postgres",
    ]
  ) {
    assert.ok(!text.includes(secret), `health leaks ${secret}`);
  }
});

dbTest("health answers 503 naming the database when it does not answer", async () => {
  const t = await testDeps({ SUPABASE_DB_URL: deadDatabaseUrl() });
  const res = await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }));
  const body = await res.json();
  assert.equal(res.status, 503);
  assert.equal(body.status, "unavailable");
  assert.equal(body.checks.database.ok, false);
  assert.equal(body.checks.database.error, "database_unavailable");
  assert.equal(body.flags.WHATSAPP_INTEGRATION_ENABLED, true, "defaults when the table is unreachable");
  const open = await createHandler(t.deps)(request("/health"));
  assert.equal(open.status, 503);
  assert.deepEqual(await open.json(), {
    status: "unavailable",
    checks: {
      database: "down",
      openai: "not_configured",
      whatsapp: "not_configured",
      operators: "unknown",
      handoffs: "unknown",
      backlog: "unknown",
    },
  }, "the public answer says down, and which check");
  const error = t.lines.find((l) => l.level === "error" && String(l.msg).includes("ERROR"));
  assert.ok(error, "an error line");
  assert.equal(error.request_id, res.headers.get("x-request-id"), "the error line carries the request id");
});

dbTest("health answers 503 database_timeout when the database accepts but never answers", async () => {
  const silent = silentListener();
  try {
    const { port } = silent;
    const t = await testDeps({
      SUPABASE_DB_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    });
    const res = await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }));
    const body = await res.json();
    assert.equal(res.status, 503);
    assert.equal(body.checks.database.error, "database_timeout");
  } finally {
    silent.close();
  }
});

dbTest("health answers 405 to POST", async () => {
  const t = await testDeps();
  const res = await createHandler(t.deps)(request("/health", { method: "POST" }));
  assert.equal(res.status, 405);
});

dbTest(
  "health says degraded while an operator is near the daily cap or a limit refused one, counts only",
  async () => {
    const t = await testDeps();
    const health = async () =>
      await (await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
    assert.deepEqual((await health()).checks.operators, {
      alarm: false,
      limit_refusals_last_hour: 0,
      near_daily_cap: 0,
      actions_waiting: 0,
    });
    const [op] = await sql`insert into public.operators (msisdn, name) values ('+250788990001', 'Busy Teller')
    returning id`;
    await sql`insert into public.customers (msisdn, name) values ('+250788990002', 'Client')`;
    await sql`insert into public.vouchers (code, customer_id, amount_rwf, issued_by)
    select 'HLTH-CAP2', c.id, 850000, ${op!.id} from public.customers c where c.msisdn = '+250788990002'`;
    try {
      const body = await health();
      assert.equal(body.status, "degraded");
      assert.deepEqual(body.checks.operators, {
        alarm: true,
        limit_refusals_last_hour: 0,
        near_daily_cap: 1,
        actions_waiting: 0,
      });
      assert.ok(!JSON.stringify(body).includes("Busy Teller"), "no names");
      assert.ok(!JSON.stringify(body).includes("250788990001"), "no numbers");
    } finally {
      await sql`delete from public.vouchers where code = 'HLTH-CAP2'`;
      await sql`delete from public.operators where msisdn = '+250788990001'`;
    }
    assert.equal((await health()).status, "ok");
  },
);

dbTest(
  "health reports the backlog and the re-drive's last run, degraded past app_settings thresholds",
  async () => {
    const t = await testDeps();
    const health = async () =>
      (await createHandler(t.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
    const [conv] = await sql`insert into public.conversations (wa_id) values ('250788990101') returning id`;
    try {
      const calm = await health();
      assert.equal(calm.status, "ok");
      assert.equal(calm.checks.backlog.redrive, null, "a re-drive that never ran");
      assert.deepEqual([calm.checks.backlog.alarm, calm.checks.backlog.over], [false, []], "is not an alarm");

      await sql`insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, created_at)
      select ${
        conv!.id
      }, 'inbound', 'wamid.HLTHBACKLOG' || n, 'text', 'hi', 'received', now() - interval '20 seconds'
      from generate_series(1, 3) n`;
      await sql`select public.record_job_run('whatsapp-redrive', '{"requested": true}')`;
      const busy = await health();
      assert.equal(busy.status, "ok", "under the thresholds");
      assert.equal(busy.checks.backlog.inbound_waiting, 3);
      assert.ok(busy.checks.backlog.oldest_inbound_seconds >= 20);
      assert.deepEqual(busy.checks.backlog.redrive.result, { requested: true });
      assert.ok(!JSON.stringify(busy).includes("250788990101"), "no number in the answer");

      await sql`update public.app_settings set value = '2' where key = 'health_inbound_waiting_max'`;
      await sql`update public.job_heartbeats set ran_at = now() - interval '10 minutes' where job = 'whatsapp-redrive'`;
      const past = await health();
      assert.equal(past.status, "degraded");
      assert.deepEqual(past.checks.backlog.over, ["inbound_waiting", "redrive_stale"]);
      assert.equal(past.checks.backlog.redrive.seconds_ago, 600);
    } finally {
      await sql`update public.app_settings set value = '50' where key = 'health_inbound_waiting_max'`;
      await sql`delete from public.job_heartbeats where job = 'whatsapp-redrive'`;
      await sql`delete from public.conversations where id = ${conv!.id}`;
    }
  },
);
