/** No signed payload is ever lost: whatever a signed body holds, it is stored and answered 200. */
import assert from "node:assert/strict";
import { statusUpdate, textMessage, webhookPayload } from "../_testing/meta.ts";
import { signBody } from "../_shared/whatsapp/mod.ts";
import { dbTest, deadDatabaseUrl, request, testDatabaseUrl, testSql } from "../_testing/harness.ts";
import { APP_SECRET, postThroughBug, startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();
const now = () => new Date();
const at = "entry[0].changes[0].value";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Posts `raw` signed; returns the answer, the payload row kept for it and the events it left. */
async function postRaw(w: Webhook, raw: string) {
  const res = await w.post(undefined, { raw });
  const [payload] = await sql`
    select id, outcome, byte_length, convert_from(body, 'UTF8') = ${raw} as same_body, detail
    from public.webhook_payloads where sha256 = ${await sha256(raw)} order by id desc limit 1`;
  const events = payload
    ? await sql`select kind, path, payload from public.whatsapp_events where payload_id = ${payload.id} order by id`
    : [];
  return { res, json: await res.json(), payload, events };
}

async function inboundOf(waId: string) {
  return await sql`
    select m.wa_message_id, m.status, m.body, m.wa_timestamp from public.messages m
    join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId} and m.direction = 'inbound' order by m.created_at`;
}

dbTest("a signed body that is not JSON, or not UTF-8, is stored and answered 200", async () => {
  const w = await startWebhook();
  try {
    const bad = await postRaw(w, "{not json");
    assert.equal(bad.res.status, 200);
    assert.equal(bad.payload?.outcome, "unparsed");
    assert.equal(bad.payload?.same_body, true, "the exact bytes are kept");
    assert.equal(bad.payload?.detail.reason, "not JSON");
    // {"café": 1} in Latin-1: é is the lone byte 0xE9, which UTF-8 cannot start a character with.
    const bytes = Uint8Array.from([...'{"caf\xe9": 1}'].map((c) => c.charCodeAt(0)));
    const headers = {
      "content-type": "application/json",
      "x-hub-signature-256": await signBody(bytes, APP_SECRET),
    };
    const res = await w.handler(request("/whatsapp-webhook", { method: "POST", body: bytes, headers }));
    assert.equal(res.status, 200);
    const [row] = await sql`select outcome, body, detail from public.webhook_payloads where body = ${bytes}`;
    assert.deepEqual([row?.outcome, row?.detail.reason], ["unparsed", "not UTF-8"]);
    assert.ok(
      w.lines.some((l) => l.level === "warn" && String(l.msg).startsWith("webhook body stored, not read")),
    );
  } finally {
    await w.close();
  }
});

dbTest("an unknown object is stored, ignored and answered 200", async () => {
  const w = await startWebhook();
  try {
    const page = await postRaw(w, JSON.stringify({ object: "page", entry: [{ id: "1", changes: [] }] }));
    assert.equal(page.res.status, 200);
    assert.equal(page.json.ignored, 'object is "page"');
    assert.deepEqual([page.payload?.outcome, page.payload?.same_body], ["ignored", true]);
  } finally {
    await w.close();
  }
});

dbTest(
  "malformed elements beside good ones: the good are kept and answered, the bad are events with their path",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      const good = textMessage({ from: waId, body: "help", timestamp: now() });
      const body = JSON.stringify(webhookPayload({
        messages: [{ id: 7 }, good, textMessage({ from: "not-a-number", timestamp: now() })],
        statuses: [{ status: "read" }],
        contacts: ["x" as never],
      }));
      const { res, json, payload, events } = await postRaw(w, body);
      assert.equal(res.status, 200);
      assert.equal(json.stored, 1);
      assert.equal(json.refused, 4);
      assert.equal(payload?.outcome, "partial");
      assert.deepEqual(events.map((e) => [e.kind, e.path]).sort(), [
        ["invalid", `${at}.contacts[0]`],
        ["invalid", `${at}.messages[0]`],
        ["invalid", `${at}.messages[2]`],
        ["invalid", `${at}.statuses[0]`],
      ]);
      assert.match(
        events.find((e) => e.path === `${at}.messages[2]`)!.payload.reason,
        /conversations_wa_id_check/,
        "the check constraint, as an event",
      );
      assert.deepEqual((await inboundOf(waId)).map((m) => m.status), ["answered"]);
      assert.equal(w.graph.sent.length, 1, "the good message is answered");
      const warnings = w.lines.filter((l) => l.level === "warn" && l.path).map((l) => l.path);
      assert.deepEqual(
        warnings.sort(),
        events.map((e) => e.path).sort(),
        "each refusal is a warning naming its path",
      );
      assert.ok(!w.raw().includes("not-a-number") && !w.raw().includes(waId), "no number in the log");
    } finally {
      await w.close();
    }
  },
);

dbTest("a user id too long for its check constraint fails only its own element", async () => {
  const w = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
  try {
    const waId = uniqueWaId();
    const body = JSON.stringify(webhookPayload({
      messages: [
        textMessage({ from: null, fromUserId: `RW.${"9".repeat(200)}`, timestamp: now() }),
        textMessage({ from: waId, timestamp: now() }),
      ],
    }));
    const { res, events } = await postRaw(w, body);
    assert.equal(res.status, 200);
    assert.deepEqual(events.map((e) => [e.kind, e.path]), [["invalid", `${at}.messages[0]`]]);
    assert.match(events[0]!.payload.reason, /conversations_user_id_check/);
    assert.equal((await inboundOf(waId)).length, 1);
  } finally {
    await w.close();
  }
});

dbTest("U+0000 and lone surrogates are replaced, so Postgres stores the message", async () => {
  const w = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
  try {
    const waId = uniqueWaId();
    const raw = JSON.stringify(
      webhookPayload({ messages: [textMessage({ from: waId, body: "a", timestamp: now() })] }),
    )
      .replace('"body":"a"', '"body":"a\\u0000b\\ud800c\\udfff"');
    const { res, payload } = await postRaw(w, raw);
    assert.equal(res.status, 200);
    assert.deepEqual([payload?.outcome, payload?.same_body], ["stored", true]);
    assert.deepEqual((await inboundOf(waId)).map((m) => m.body), ["a\uFFFDb\uFFFDc\uFFFD"]);
  } finally {
    await w.close();
  }
});

dbTest("timestamps out of range are stored as null (or now, when far ahead), never an error", async () => {
  const w = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
  try {
    const waId = uniqueWaId();
    const body = JSON.stringify(webhookPayload({
      messages: [
        textMessage({ from: waId, extra: { timestamp: "99999999999999" } }),
        textMessage({ from: waId, extra: { timestamp: "-1" } }),
        textMessage({
          from: waId,
          extra: { timestamp: String(Math.floor(Date.now() / 1000) + 86400 * 365) },
        }),
      ],
      statuses: [statusUpdate({ extra: { timestamp: "99999999999999" } })],
    }));
    const { res, payload } = await postRaw(w, body);
    assert.equal(res.status, 200);
    assert.equal(payload?.outcome, "stored");
    const rows = await inboundOf(waId);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.slice(0, 2).map((r) => r.wa_timestamp), [null, null]);
    assert.ok(rows[2]!.wa_timestamp.getTime() <= Date.now() + 1000, "a year ahead counts as now");
  } finally {
    await w.close();
  }
});

dbTest("a message for another business number is stored as a foreign event and never answered", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    const payload = webhookPayload({
      messages: [textMessage({ from: waId, timestamp: now() })],
      phoneNumberId: "999999999999999",
    });
    const { res, events } = await postRaw(w, JSON.stringify(payload));
    assert.equal(res.status, 200);
    assert.deepEqual(events.map((e) => [e.kind, e.path]), [["foreign", `${at}.messages[0]`]]);
    assert.equal(events[0]!.payload.element.from, waId, "the message itself is kept");
    assert.equal((await inboundOf(waId)).length, 0);
    const toThem = w.graph.requests.filter((r) => JSON.stringify(r.body).includes(waId));
    assert.deepEqual(toThem, [], "nothing is sent to them or marked read");
  } finally {
    await w.close();
  }
});

dbTest("database down: 503, so Meta redelivers, and nothing of the body is stored", async () => {
  const down = await startWebhook({ SUPABASE_DB_URL: deadDatabaseUrl() });
  const waId = uniqueWaId();
  const raw = JSON.stringify(webhookPayload({ messages: [textMessage({ from: waId, timestamp: now() })] }));
  try {
    const res = await down.post(undefined, { raw });
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error, "database_unavailable");
  } finally {
    await down.close();
  }
  const [counted] = await sql`select count(*)::int from public.webhook_payloads where sha256 = ${await sha256(
    raw,
  )}`;
  assert.equal(counted!.count, 0);
  assert.equal((await inboundOf(waId)).length, 0);
});

dbTest(
  "a message that meets a lock timeout is answered 503, not swallowed, and the redelivery is answered",
  async () => {
    const database = new URL(await testDatabaseUrl()).pathname.slice(1);
    const waId = uniqueWaId();
    const [conversation] = await sql`insert into public.conversations (wa_id) values (${waId}) returning id`;
    const raw = JSON.stringify(
      webhookPayload({ messages: [textMessage({ from: waId, body: "help", timestamp: now() })] }),
    );
    // The webhook's connections give up on a lock after 300 ms (they are opened after this).
    await sql.unsafe(`alter database ${database} set lock_timeout = '300ms'`);
    const w = await startWebhook();
    try {
      const first = await sql.begin(async (tx) => {
        // Another transaction holds the customer's conversation row while Meta's POST arrives.
        await tx`select 1 from public.conversations where id = ${conversation!.id} for update`;
        return await w.post(undefined, { raw });
      });
      assert.equal(first.status, 503, "an error Meta retries, not a 200 that loses the message");
      assert.equal((await first.json()).error, "database_busy");
      const [kept] =
        await sql`select count(*)::int from public.webhook_payloads where sha256 = ${await sha256(
          raw,
        )}`;
      assert.equal(kept!.count, 0, "nothing of the refused delivery is stored");
      const [invalid] = await sql`select count(*)::int from public.whatsapp_events where kind = 'invalid'
      and payload ->> 'reason' like '%lock timeout%'`;
      assert.equal(invalid!.count, 0, "and the message is not kept as an invalid event");

      const again = await w.post(undefined, { raw });
      assert.equal(again.status, 200);
      assert.equal((await again.json()).stored, 1);
      await w.settle();
      assert.deepEqual((await inboundOf(waId)).map((m) => m.status), ["answered"]);
      assert.equal(w.graph.sent.length, 1, "the redelivery is answered once");
    } finally {
      await w.close();
      await sql.unsafe(`alter database ${database} reset lock_timeout`);
    }
  },
);

dbTest(
  "an ingest that fails for another reason than an outage still answers 200: the body is kept",
  async () => {
    const w = await startWebhook();
    try {
      const raw = JSON.stringify(
        webhookPayload({ messages: [textMessage({ from: uniqueWaId(), timestamp: now() })] }),
      );
      const res = await postThroughBug(w, raw);
      assert.equal(res.status, 200, "a redelivery would fail the same way");
      const [row] =
        await sql`select outcome, detail ->> 'ingest_error' as sqlstate from public.webhook_payloads
        where sha256 = ${await sha256(raw)}`;
      assert.equal(row?.outcome, "received", "the body waits in webhook_payloads");
      assert.equal(row?.sqlstate, "23514", "with the reason its elements were not stored");
      assert.equal((await res.json()).stored, 0);
      assert.ok(
        w.lines.some((l) => l.level === "error" && String(l.msg).startsWith("ERROR webhook body stored")),
      );
    } finally {
      await w.close();
    }
  },
);
