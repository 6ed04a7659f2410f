/**
 * Wrong confirmation codes as ops see them: the most one operator sent in the last hour in the
 * Prometheus text (the alert's input) and in deep health, behind the metrics token; never in plain health.
 */
import assert from "node:assert/strict";
import { createHandler as health } from "../health/index.ts";
import { createHandler as metrics } from "../metrics/index.ts";
import { dbTest, METRICS_TOKEN, request, testDeps, testSql } from "../_testing/harness.ts";

const sql = await testSql();

dbTest(
  "wrong codes per operator in the last hour show in metrics and deep health, not in plain health",
  async () => {
    const { deps, settle } = await testDeps({ METRICS_TOKEN });
    try {
      const [op] =
        await sql`insert into public.operators (msisdn, name) values ('+250788390001', 'Guessing Phone')
      returning id`;
      const [other] = await sql`insert into public.operators (msisdn, name) values ('+250788390002', 'Typo')
      returning id`;
      await sql`insert into public.confirmation_failures (operator_id, verb, at) values
      (${op!.id}, 'confirm', now() - interval '5 minutes'), (${op!.id}, 'confirm', now()),
      (${op!.id}, 'approve', now()), (${other!.id}, 'confirm', now()),
      (${op!.id}, 'confirm', now() - interval '2 hours')`;

      const text = await (await metrics(deps)(
        request("/metrics?format=prometheus", { bearer: METRICS_TOKEN }),
      )).text();
      assert.match(text, /^voucher_confirmation_wrong_codes_last_hour 4$/m);
      assert.match(text, /^voucher_confirmation_wrong_codes_max_per_operator 3$/m);

      const get = async (query: string, bearer?: string) =>
        await (await health(deps)(request(`/health${query}`, { bearer }))).json();
      const deep = await get("?deep=1", METRICS_TOKEN);
      assert.deepEqual(deep.checks.wrong_codes, { last_hour: 4, max_per_operator_last_hour: 3 });
      assert.equal((await get("")).checks.wrong_codes, undefined, "plain health has no operator counts");
    } finally {
      await settle();
      await deps.db.close();
    }
  },
);
