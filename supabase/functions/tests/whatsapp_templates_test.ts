/** Meta's template webhooks keep the registry's approval status and quality current, and a
 * business-started message goes as the approved template in the person's language. */
import assert from "node:assert/strict";
import { templateQualityValue, templateStatusValue, webhookEnvelope } from "../_testing/meta.ts";
import { dbTest, METRICS_TOKEN, request, testSql } from "../_testing/harness.ts";
import { createHandler as createHealth } from "../health/index.ts";
import { text as reply } from "../_shared/conversation/mod.ts";
import { createProcessor } from "../_shared/whatsapp/mod.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();

/** A template of its own per test, so tests sharing a database never share one. */
async function newTemplate(): Promise<string> {
  const name = `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await sql`
    insert into public.whatsapp_templates (name, language, locale, category, body, parameters, status)
    values (${name}, 'rw', 'rw_RW', 'utility', 'Amakuru: {{1}}', '{text}', 'pending')`;
  return name;
}

async function dropTestTemplates(): Promise<void> {
  await sql`delete from public.whatsapp_templates where name like 'test\\_%'`;
}

async function templateRow(name: string) {
  const [row] = await sql`select status, quality, reason from public.whatsapp_templates where name = ${name}`;
  return row;
}

dbTest("a template status update approves, then pauses, the template it names", async () => {
  const w = await startWebhook();
  try {
    const name = await newTemplate();
    const approved = webhookEnvelope([{
      field: "message_template_status_update",
      value: templateStatusValue({ name, language: "rw_RW", event: "APPROVED" }),
    }]);
    assert.equal((await w.post(approved)).status, 200);
    assert.deepEqual({ ...(await templateRow(name)) }, {
      status: "approved",
      quality: "unknown",
      reason: null,
    });
    const [chosen] = await sql`select public.whatsapp_template_for(${name}, 'rw') as t`;
    assert.deepEqual(chosen?.t, { name, language: "rw_RW", fallback: false });

    const paused = webhookEnvelope([{
      field: "message_template_status_update",
      value: templateStatusValue({ name, language: "rw_RW", event: "PAUSED", reason: "Low quality" }),
    }]);
    assert.equal((await w.post(paused)).status, 200);
    assert.deepEqual({ ...(await templateRow(name)) }, {
      status: "paused",
      quality: "unknown",
      reason: "Low quality",
    });
    const [after] = await sql`select public.whatsapp_template_for(${name}, 'rw') as t`;
    assert.equal(after?.t, null, "a paused template is no longer chosen");
  } finally {
    await dropTestTemplates();
    await w.close();
  }
});

dbTest("a template quality update records the new score", async () => {
  const w = await startWebhook();
  try {
    const name = await newTemplate();
    const quality = webhookEnvelope([{
      field: "message_template_quality_update",
      value: templateQualityValue({ name, language: "rw_RW", previous: "GREEN", next: "RED" }),
    }]);
    assert.equal((await w.post(quality)).status, 200);
    assert.equal((await templateRow(name))?.quality, "red");
  } finally {
    await dropTestTemplates();
    await w.close();
  }
});

/** The pick-up an invocation (or the drain) runs, wired to the webhook's fakes. */
function pickUp(w: Webhook): Promise<void> {
  const respond = () => Promise.resolve({ messages: [reply("Hi")], handoff: false });
  return createProcessor(w.deps, { respond: () => respond }).answer([]);
}

/** Sets a template's status in every language, returning a restore for the test's `finally`. */
async function setStatus(name: string, status: string, language?: string): Promise<() => Promise<void>> {
  const before = await sql`select language, status from public.whatsapp_templates where name = ${name}`;
  await sql`update public.whatsapp_templates set status = ${status}
    where name = ${name} and (${language ?? null}::text is null or language = ${language ?? null})`;
  return async () => {
    for (const row of before) {
      await sql`update public.whatsapp_templates set status = ${row.status}
        where name = ${name} and language = ${row.language}`;
    }
  };
}

async function customer(language: string): Promise<string> {
  const waId = uniqueWaId();
  await sql`insert into public.customers (msisdn, name, preferred_language)
    values (${"+" + waId}, 'Uwase', ${language})`;
  return waId;
}

dbTest(
  "a receipt goes as voucher_receipt in English, the fallback logged, until Kinyarwanda is approved, then in Kinyarwanda",
  async () => {
    const w = await startWebhook();
    const rw = { name: "voucher_receipt", language: "rw_RW", event: "APPROVED" };
    const restore = await setStatus("voucher_receipt", "not_submitted", "rw");
    try {
      const waId = await customer("rw");
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-1 ya 5,000 RWF')`;
      await pickUp(w);
      assert.deepEqual(w.graph.sent.map((s) => s.message), [
        {
          type: "template",
          name: "voucher_receipt",
          language: "en",
          parameters: ["Voucher VC-1 ya 5,000 RWF"],
        },
      ]);
      const fallback = w.lines.find((l) =>
        l.msg === "template in English: none approved in the person's language"
      );
      assert.equal(fallback?.template, "voucher_receipt");
      assert.equal(fallback?.language, "rw");

      assert.equal(
        (await w.post(
          webhookEnvelope([{ field: "message_template_status_update", value: templateStatusValue(rw) }]),
        )).status,
        200,
      );
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-2 ya 2,000 RWF')`;
      await pickUp(w);
      assert.deepEqual(w.graph.sent.map((s) => s.message).at(-1), {
        type: "template",
        name: "voucher_receipt",
        language: "rw_RW",
        parameters: ["Voucher VC-2 ya 2,000 RWF"],
      });
    } finally {
      await restore();
      await w.close();
    }
  },
);

dbTest("an approval request outside the window goes as its own template, its text on one line", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    await sql`select public.whatsapp_enqueue_notification(${waId}, 'approval_request',
      ${"Approval needed: issue 60,000 RWF\nTo approve, reply APPROVE 1234"})`;
    await pickUp(w);
    assert.deepEqual(w.graph.sent.map((s) => s.message), [{
      type: "template",
      name: "voucher_approval_request",
      language: "en",
      parameters: ["Approval needed: issue 60,000 RWF To approve, reply APPROVE 1234"],
    }]);
  } finally {
    await w.close();
  }
});

dbTest(
  "outside the window a receipt whose template is paused in every language is not sent as text: it fails, and health names the template",
  async () => {
    const w = await startWebhook();
    const restore = await setStatus("voucher_receipt", "not_submitted");
    try {
      const paused = templateStatusValue({ name: "voucher_receipt", language: "en", event: "PAUSED" });
      await w.post(webhookEnvelope([{ field: "message_template_status_update", value: paused }]));
      const waId = await customer("sw");
      const [queued] = await sql`
        select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Vocha VC-3') as id`;
      await pickUp(w);
      assert.deepEqual(w.graph.sent, [], "nothing reaches Meta: a text would be refused outside the window");
      const [row] = await sql`select status, error_title from public.messages where id = ${queued?.id}`;
      assert.deepEqual({ ...row }, {
        status: "failed",
        error_title: "no approved template outside the 24-hour window",
      });
      assert.ok(w.lines.some((l) => l.msg === "not sent: no approved template outside the 24-hour window"));
      const health = await (await createHealth(w.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
      assert.equal(health.status, "degraded");
      assert.deepEqual(health.checks.whatsapp.templates_unusable, [{
        name: "voucher_receipt",
        language: "en",
        status: "paused",
      }]);
    } finally {
      await restore();
      await w.close();
    }
  },
);

dbTest("health is degraded while a template is paused or rejected, and says which", async () => {
  const w = await startWebhook();
  try {
    const name = await newTemplate();
    const paused = templateStatusValue({ name, language: "rw_RW", event: "PAUSED", reason: "Low quality" });
    await w.post(webhookEnvelope([{ field: "message_template_status_update", value: paused }]));
    const detailed = await (await createHealth(w.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
    assert.equal(detailed.status, "degraded");
    assert.deepEqual(detailed.checks.whatsapp.templates_unusable, [{
      name,
      language: "rw",
      status: "paused",
    }]);
    const open = await (await createHealth(w.deps)(request("/health"))).json();
    assert.equal(open.checks.whatsapp, "alarm", "unauthenticated: only the status word");
    assert.doesNotMatch(JSON.stringify(open), new RegExp(name));
  } finally {
    await dropTestTemplates();
    await w.close();
  }
});
