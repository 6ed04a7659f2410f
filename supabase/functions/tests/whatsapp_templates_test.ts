/** Meta's template webhooks keep the registry's approval status and quality current. */
import assert from "node:assert/strict";
import { templateQualityValue, templateStatusValue, webhookEnvelope } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook } from "./_whatsapp.ts";

const sql = await testSql();

/** A template of its own per test, so tests sharing a database never share one. */
async function newTemplate(): Promise<string> {
  const name = `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await sql`
    insert into public.whatsapp_templates (name, language, locale, category, body, parameters, status)
    values (${name}, 'rw', 'rw_RW', 'utility', 'Amakuru: {{1}}', '{text}', 'pending')`;
  return name;
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
    await w.close();
  }
});
