/**
 * Replies do not depend on the next inbound webhook: the whatsapp-redrive cron job's command and
 * pg_net's worker (the dev gateway's, _testing/net_worker.ts) drive them through the drain path.
 */
import assert from "node:assert/strict";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, request, testSql } from "../_testing/harness.ts";
import { DRAIN_SECRET, startRedrive, startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();

const drain = (w: Webhook, bearer?: string) =>
  w.handler(request("/whatsapp-webhook/drain", { method: "POST", bearer, json: {} }));

dbTest("the drain path needs its secret: 404 without one configured, 401 with a wrong one", async () => {
  const none = await startWebhook();
  try {
    assert.equal((await drain(none, DRAIN_SECRET)).status, 404);
  } finally {
    await none.close();
  }
  const w = await startWebhook({ WHATSAPP_DRAIN_SECRET: DRAIN_SECRET });
  try {
    assert.equal((await drain(w)).status, 401);
    assert.equal((await drain(w, "drain-secret-wrong-wrong-wrong")).status, 401);
    const ok = await drain(w, DRAIN_SECRET);
    assert.equal(ok.status, 202);
    assert.deepEqual(await ok.json(), { ok: true, draining: true });
    assert.ok(!w.raw().includes(DRAIN_SECRET), "the secret is never logged");
  } finally {
    await w.close();
  }
});

dbTest(
  "with no inbound traffic and the Graph API failing for a while, the cron job and pg_net's worker deliver the reply",
  async () => {
    const { w, worker } = await startRedrive(sql);
    try {
      await sql`insert into net._http_response (id, status_code, created) values (-1, 200, now() - interval '7 hours')`;
      const [job] = await sql`select command from cron.job where jobname = 'whatsapp-redrive'`;
      const waId = uniqueWaId();
      // The mark-read, the four tries of this invocation, and four more in each of two re-drives.
      w.graph.failNext(13, { status: 503 });
      assert.equal(
        (await w.post(webhookPayload({ messages: [textMessage({ from: waId, timestamp: new Date() })] })))
          .status,
        200,
      );
      const inboundPosts = w.graph.requests.length;
      const reply = async () =>
        (await sql`
          select m.id, m.status, m.attempts from public.messages m join public.conversations c on c.id = m.conversation_id
          where c.wa_id = ${waId} and m.direction = 'outbound'`)[0]!;
      assert.equal((await reply()).status, "pending");

      // From here on no webhook arrives: only the job and the worker. Each round, the clock reaches
      // the reply's next attempt (the backoff, here moved instead of waited for).
      const rounds: string[] = [];
      for (let round = 0; round < 4 && (await reply()).status !== "sent"; round++) {
        await sql`update public.messages set next_attempt_at = now() where id = ${(await reply()).id}
          and next_attempt_at > now()`;
        const [run] = await sql.unsafe(job!.command);
        assert.equal(
          Object.values(run!)[0].requested,
          true,
          `round ${round}: the job queued a drain request`,
        );
        assert.equal(await worker.tick(), 1, "the worker performed it");
        rounds.push((await reply()).status);
      }
      assert.deepEqual(rounds, ["pending", "pending", "sent"], "two rounds fail, the third delivers");
      assert.deepEqual(w.graph.sent.map((s) => s.to), [waId]);
      assert.equal((await reply()).attempts, 4, "one attempt per invocation, retried inline within it");
      assert.ok(w.graph.requests.length > inboundPosts);
      const answers = await sql`select status_code from net._http_response order by created desc limit 3`;
      assert.deepEqual(
        answers.map((a) => a.status_code),
        [202, 202, 202],
        "pg_net recorded the drain's answers",
      );
      const [old] = await sql`select count(*)::int as n from net._http_response where id = -1`;
      assert.equal(old!.n, 0, "responses older than six hours are pruned, as pg_net does");
      const [queued] = await sql`select count(*)::int as n from net.http_request_queue`;
      assert.equal(queued!.n, 0, "the queue is empty");
      const [after] = await sql.unsafe(job!.command);
      assert.equal(Object.values(after!)[0].requested, false, "nothing due any more: nothing asked");
    } finally {
      await worker.stop();
      await w.close();
    }
  },
);
