import assert from "node:assert/strict";
import { createHandler as createHealth } from "../health/index.ts";
import { contact, mediaMessage, statusUpdate, textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, METRICS_TOKEN, request, testSql } from "../_testing/harness.ts";
import { APP_SECRET_NEXT, startWebhook, uniqueWaId, VERIFY_TOKEN } from "./_whatsapp.ts";

const sql = await testSql();
const now = () => new Date();

async function messagesOf(waId: string) {
  return await sql`
    select m.direction, m.status, m.type, m.body, m.wa_message_id, m.error_code, m.in_reply_to
    from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId} or c.user_id = ${waId}
    order by m.created_at, m.seq`;
}

dbTest(
  "GET answers Meta's verification with the challenge, 403 for a wrong token, 400 without parameters",
  async () => {
    const w = await startWebhook();
    try {
      const ok = await w.handler(
        request(
          `/whatsapp-webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
        ),
      );
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), "1158201444");
      assert.match(ok.headers.get("content-type") ?? "", /^text\/plain/);
      const wrong = await w.handler(
        request("/whatsapp-webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"),
      );
      assert.equal(wrong.status, 403);
      const missing = await w.handler(request("/whatsapp-webhook?hub.mode=subscribe"));
      assert.equal(missing.status, 400);
      assert.equal((await missing.json()).error, "bad_request:verification");
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "POST without a valid signature is refused 401, logged with the reason, and stores nothing",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      const payload = webhookPayload({ messages: [textMessage({ from: waId, timestamp: now() })] });
      assert.equal((await w.post(payload, { secret: null })).status, 401);
      assert.equal((await w.post(payload, { secret: "not-the-app-secret-xxxx" })).status, 401);
      const reasons = w.lines.filter((l) => l.event === "whatsapp" && l.reason).map((l) => l.reason);
      assert.deepEqual(reasons, ["signature header missing", "signature does not match"]);
      assert.equal((await messagesOf(waId)).length, 0);
      assert.equal(w.graph.sent.length, 0);
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "a signature over Kinyarwanda, French and emoji text verifies, with either rotation secret",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      const body = "Muraho! Ndashaka kumenya voucher zanjye 🙏 — café crème";
      const res = await w.post(
        webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: now() })] }),
        {
          secret: APP_SECRET_NEXT,
        },
      );
      assert.equal(res.status, 200);
      const [inbound] = await messagesOf(waId);
      assert.equal(inbound!.body, body);
    } finally {
      await w.close();
    }
  },
);

dbTest("a body over 3 MB is refused 413 before it is read", async () => {
  const w = await startWebhook();
  try {
    const big = await w.handler(
      request("/whatsapp-webhook", {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json", "content-length": String(4 * 1024 * 1024) },
      }),
    );
    assert.equal(big.status, 413);
  } finally {
    await w.close();
  }
});

dbTest(
  "a text message is stored, marked read with typing, and answered once through the Graph API",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      const inbound = textMessage({ from: waId, body: "hello", timestamp: now() });
      const res = await w.post(webhookPayload({ messages: [inbound] }));
      assert.equal(res.status, 200);
      assert.deepEqual(w.graph.reads, [{ messageId: inbound.id, typing: true }]);
      assert.equal(w.graph.sent.length, 1);
      assert.equal(w.graph.sent[0]!.to, waId);
      const rows = await messagesOf(waId);
      assert.deepEqual(rows.map((r) => [r.direction, r.status]), [["inbound", "answered"], [
        "outbound",
        "sent",
      ]]);
      assert.equal(rows[1]!.wa_message_id, w.graph.sent[0]!.id);
      assert.equal(
        w.graph.sent[0]!.callbackData !== undefined,
        true,
        "the outbox id rides along as callback data",
      );
      assert.ok(!w.raw().includes(waId), "the number is masked in every log line");
      assert.ok(!w.raw().includes("hello"), "the message body is never logged");
    } finally {
      await w.close();
    }
  },
);

dbTest("the same payload delivered five times gets exactly one reply", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    const payload = webhookPayload({
      messages: [textMessage({ from: waId, body: "balance", timestamp: now() })],
    });
    for (let i = 0; i < 5; i++) assert.equal((await w.post(payload)).status, 200);
    assert.equal(w.graph.sent.length, 1);
    assert.equal((await messagesOf(waId)).length, 2);
  } finally {
    await w.close();
  }
});

dbTest("a username-only sender is stored under its user id and answered through it", async () => {
  const w = await startWebhook();
  try {
    const userId = `RW.${Date.now()}7`;
    const payload = webhookPayload({
      messages: [textMessage({ from: null, fromUserId: userId, body: "muraho", timestamp: now() })],
      contacts: [contact({ waId: null, userId, username: "@aline" })],
    });
    assert.equal((await w.post(payload)).status, 200);
    assert.equal(w.graph.sent.length, 1);
    assert.equal(w.graph.sent[0]!.recipient, userId);
    assert.equal(w.graph.sent[0]!.to, undefined);
    const rows = await messagesOf(userId);
    assert.deepEqual(rows.map((r) => r.status), ["answered", "sent"]);
  } finally {
    await w.close();
  }
});

dbTest(
  "statuses move a reply forward only, whatever order they arrive in; failures keep their code",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      await w.post(webhookPayload({ messages: [textMessage({ from: waId, timestamp: now() })] }));
      const replyId = w.graph.sent[0]!.id;
      await w.post(
        webhookPayload({ statuses: [statusUpdate({ id: replyId, status: "read", recipientId: waId })] }),
      );
      await w.post(
        webhookPayload({ statuses: [statusUpdate({ id: replyId, status: "delivered", recipientId: waId })] }),
      );
      let rows = await messagesOf(waId);
      assert.equal(rows[1]!.status, "read", "delivered after read does not move it back");

      await w.post(
        webhookPayload({ messages: [textMessage({ from: waId, body: "help", timestamp: now() })] }),
      );
      const second = w.graph.sent[1]!.id;
      const failed = statusUpdate({
        id: second,
        status: "failed",
        recipientId: waId,
        errors: [{ code: 131026, title: "Message undeliverable" }],
      });
      await w.post(webhookPayload({ statuses: [failed] }));
      rows = await messagesOf(waId);
      assert.deepEqual([rows[3]!.status, rows[3]!.error_code], ["failed", 131026]);
      assert.ok(w.lines.some((l) => l.event === "whatsapp" && l.status === "failed" && l.level === "warn"));
    } finally {
      await w.close();
    }
  },
);

dbTest("an image gets a polite note that only text is understood", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    await w.post(webhookPayload({ messages: [mediaMessage("image", { from: waId, timestamp: now() })] }));
    assert.equal(w.graph.sent.length, 1);
    const rows = await messagesOf(waId);
    assert.equal(rows[0]!.type, "image");
    assert.match(w.graph.sent[0]!.body.toLowerCase(), /text|inyandiko|texte/);
  } finally {
    await w.close();
  }
});

dbTest("a refused access token (190) shows in health until a send works again", async () => {
  const w = await startWebhook();
  try {
    w.graph.failNext(2, { metaCode: 190 }); // the mark-read, then the send
    await w.post(webhookPayload({ messages: [textMessage({ from: uniqueWaId(), timestamp: now() })] }));
    assert.ok(w.lines.some((l) => l.level === "error" && String(l.msg).includes("ERROR") && l.code === 190));
    const health = await (await createHealth(w.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
    assert.ok(health.checks.whatsapp.token_error, "health shows the token alarm");
    assert.match(health.checks.whatsapp.token_error.title, /access token/);

    await w.post(webhookPayload({ messages: [textMessage({ from: uniqueWaId(), timestamp: now() })] }));
    const after = await (await createHealth(w.deps)(request("/health", { bearer: METRICS_TOKEN }))).json();
    assert.equal(after.checks.whatsapp.token_error, null);
  } finally {
    await w.close();
  }
});

dbTest("an operator gets the operator menu and can look a customer up by number", async () => {
  const w = await startWebhook();
  try {
    const operatorWaId = uniqueWaId();
    const customerWaId = uniqueWaId();
    await sql`insert into public.operators (msisdn, name) values (${"+" + operatorWaId}, 'Eric Mugisha')`;
    await sql`insert into public.customers (msisdn, name) values (${"+" + customerWaId}, 'Divine Ingabire')`;
    await w.post(
      webhookPayload({ messages: [textMessage({ from: operatorWaId, body: "help", timestamp: now() })] }),
    );
    await w.post(
      webhookPayload({
        messages: [
          textMessage({ from: operatorWaId, body: `lookup 0${customerWaId.slice(3)}`, timestamp: now() }),
        ],
      }),
    );
    assert.equal(w.graph.sent.length, 2);
    assert.match(w.graph.sent[0]!.body, /lookup|look up/i, "the operator menu explains the lookup");
    assert.match(w.graph.sent[1]!.body, /Divine Ingabire/);
  } finally {
    await w.close();
  }
});
