import assert from "node:assert/strict";
import { type Responder, text as reply } from "../_shared/conversation/mod.ts";
import type { Deps } from "../_shared/deps.ts";
import {
  createProcessor,
  humanNote,
  INVOCATION_BUDGET_MS,
  type Processor,
  slowDownNote,
} from "../_shared/whatsapp/mod.ts";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, deadDatabaseUrl, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();
const now = () => new Date();
const text = (waId: string, body: string, timestamp: Date = now()) =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp })] });

/** The processor on the webhook's database, flags, log and fake Graph API, answering with `respond`. */
function processor(w: Webhook, respond: Responder, deps: Partial<Deps> = {}): Processor {
  return createProcessor({ ...w.deps, ...deps }, { respond: () => respond });
}

async function rowsOf(waId: string) {
  return await sql`
    select m.id, m.direction, m.status, m.body, m.wa_message_id, m.in_reply_to, m.attempts, m.error_code,
           m.next_attempt_at > now() as backing_off
    from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId}
    order by m.created_at, m.seq`;
}

dbTest("twenty messages in a burst are all answered once, and the replies go out in order", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    const base = Date.now();
    // Meta delivers them one after another; each is answered in the background while the next
    // arrives, so turns race with intake.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await w.post(text(waId, `help ${i}`, new Date(base + i * 1000)), { settle: false });
      statuses.push(res.status);
    }
    await w.settle();
    assert.deepEqual(statuses, Array(20).fill(200));
    const rows = await rowsOf(waId);
    const inbound = rows.filter((r) => r.direction === "inbound");
    const outbound = rows.filter((r) => r.direction === "outbound");
    assert.equal(inbound.length, 20);
    assert.ok(inbound.every((r) => r.status === "answered"), "every message answered");
    assert.ok(outbound.length >= 1 && outbound.length <= 20, "bursts are answered together");
    assert.ok(outbound.every((r) => r.status === "sent"));
    // Replies answer later messages only: their in_reply_to follows the order the sender wrote in.
    const position = new Map(inbound.map((r) => [r.id, Number(String(r.body).split(" ")[1])]));
    const answered = outbound.map((r) => position.get(r.in_reply_to)!);
    assert.deepEqual(answered, [...answered].sort((a, b) => a - b));
    assert.equal(answered.at(-1), 19, "the last reply answers the last message");
    // The Graph API saw them in the same order, each once.
    assert.deepEqual(w.graph.sent.map((s) => s.id), outbound.map((r) => r.wa_message_id));
  } finally {
    await w.close();
  }
});

dbTest("a Graph API answering 500 twice, then 200, still delivers the reply once", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    w.graph.failNext(3, { status: 500 }); // the mark-read, then the first two sends
    await w.post(text(waId, "help"));
    assert.equal(w.graph.sent.length, 1);
    const sends = w.graph.requests.filter((r) => r.send !== undefined);
    assert.equal(sends.length, 3, "two failed tries and one that went through");
    const [, reply] = await rowsOf(waId);
    assert.deepEqual([reply!.status, reply!.wa_message_id], ["sent", w.graph.sent[0]!.id]);
  } finally {
    await w.close();
  }
});

dbTest("131047 (outside the 24-hour window) fails the reply without retrying", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    w.graph.failNext(1, { status: 500 }); // the mark-read
    w.graph.failNext(1, { metaCode: 131047 });
    await w.post(text(waId, "help"));
    const [, reply] = await rowsOf(waId);
    assert.deepEqual([reply!.status, reply!.error_code, reply!.attempts], ["failed", 131047, 1]);
    assert.equal(w.graph.requests.filter((r) => r.send !== undefined).length, 1);
  } finally {
    await w.close();
  }
});

dbTest("Meta's rate limits (130429, 131056) put the reply back with a later try, not a failure", async () => {
  for (const code of [130429, 131056]) {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      w.graph.failNext(1, { status: 500 }); // the mark-read
      w.graph.failNext(1, { metaCode: code });
      await w.post(text(waId, "help"));
      const [, reply] = await rowsOf(waId);
      assert.deepEqual(
        [reply!.status, reply!.error_code, reply!.backing_off],
        ["pending", code, true],
        `code ${code}`,
      );
      assert.equal(w.graph.sent.length, 0);
    } finally {
      await w.close();
    }
  }
});

dbTest(
  "asking for a person hands the conversation to staff; the bot only notes it until set back",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      await w.post(text(waId, "I want to talk to a person"));
      const [conversation] = await sql`select state from public.conversations where wa_id = ${waId}`;
      assert.equal(conversation!.state, "human");
      assert.equal(w.graph.sent.length, 1, "the customer is told a person will answer");
      await w.post(text(waId, "hello?"));
      assert.equal(w.graph.sent.at(-1)!.body, humanNote(null), "in human state the bot only notes it");
      assert.equal((await rowsOf(waId)).filter((r) => r.direction === "inbound").at(-1)!.status, "skipped");
      await w.post(text(waId, "anyone?"));
      assert.equal(w.graph.sent.length, 2, "once a day");
      await sql`update public.conversations set state = 'bot' where wa_id = ${waId}`;
      await w.post(text(waId, "help"));
      assert.equal(w.graph.sent.length, 3, "answered again once staff set it back");
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "a sender over the per-minute budget is answered once with a slow-down note, then not at all",
  async () => {
    const w = await startWebhook();
    await sql`update public.app_settings set value = '3' where key = 'whatsapp_rate_limit_per_minute'`;
    try {
      const waId = uniqueWaId();
      for (let i = 0; i < 6; i++) await w.post(text(waId, `help ${i}`));
      const bodies = w.graph.sent.map((s) => s.body);
      assert.equal(bodies.length, 4, "three answers and one note");
      assert.equal(bodies[3], slowDownNote(null));
      const inbound = (await rowsOf(waId)).filter((r) => r.direction === "inbound");
      assert.equal(inbound.length, 6, "every message is stored");
      assert.deepEqual(inbound.slice(4).map((r) => r.status), ["skipped", "skipped"]);
    } finally {
      await sql`update public.app_settings set value = '20' where key = 'whatsapp_rate_limit_per_minute'`;
      await w.close();
    }
  },
);

dbTest(
  "with WHATSAPP_INTEGRATION_ENABLED=false messages are stored and acknowledged, nothing is sent",
  async () => {
    const off = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
    const waId = uniqueWaId();
    const staleId = uniqueWaId();
    try {
      assert.equal((await off.post(text(waId, "help"))).status, 200);
      // Held since before the switch was flipped, and now older than the hour it may wait.
      assert.equal((await off.post(text(staleId, "help", new Date(Date.now() - 2 * 3600_000)))).status, 200);
      assert.equal(off.graph.requests.length, 0);
      assert.deepEqual((await rowsOf(waId)).map((r) => r.status), ["received"]);
    } finally {
      await off.close();
    }
    const on = await startWebhook();
    try {
      // Any invocation picks the held work up.
      await on.post(text(uniqueWaId(), "hello"));
      assert.deepEqual((await rowsOf(waId)).map((r) => r.status), ["answered", "sent"]);
      assert.deepEqual((await rowsOf(staleId)).map((r) => r.status), ["expired"], "never answered late");
    } finally {
      await on.close();
    }
  },
);

dbTest("a database down mid-stream loses nothing: 503 to Meta, then each message answered once", async () => {
  const up = await startWebhook();
  const waId = uniqueWaId();
  try {
    await up.post(text(waId, "help 1"));
    const down = await startWebhook({ SUPABASE_DB_URL: deadDatabaseUrl() });
    const lost = text(waId, "help 2");
    try {
      const res = await down.post(lost);
      assert.equal(res.status, 503, "Meta redelivers on a 5xx");
      assert.equal((await res.json()).error, "database_unavailable");
    } finally {
      await down.close();
    }
    assert.equal((await up.post(lost)).status, 200, "the redelivery is stored");
    await up.post(lost);
    const rows = await rowsOf(waId);
    assert.deepEqual(rows.map((r) => [r.direction, r.status]), [
      ["inbound", "answered"],
      ["outbound", "sent"],
      ["inbound", "answered"],
      ["outbound", "sent"],
    ]);
    assert.equal(up.graph.sent.length, 2);
  } finally {
    await up.close();
  }
});

dbTest("work a crashed worker left behind is taken over once its claim lapses", async () => {
  const w = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
  const waId = uniqueWaId();
  try {
    await w.post(text(waId, "help"));
  } finally {
    await w.close();
  }
  // A worker claimed it, took the message, and died.
  await sql`
    update public.conversations set claimed_by = gen_random_uuid(), claimed_until = now() - interval '1 second'
    where wa_id = ${waId}`;
  await sql`
    update public.messages m set status = 'processing' from public.conversations c
    where c.id = m.conversation_id and c.wa_id = ${waId}`;
  const next = await startWebhook();
  try {
    await next.post(text(uniqueWaId(), "hello"));
    assert.deepEqual((await rowsOf(waId)).map((r) => r.status), ["answered", "sent"]);
  } finally {
    await next.close();
  }
});

dbTest("a reply longer than 4096 characters goes out in parts, in order", async () => {
  const w = await startWebhook();
  const waId = uniqueWaId();
  try {
    const off = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
    await off.post(text(waId, "tell me everything"));
    await off.close();
    const [conversation] = await sql`select id from public.conversations where wa_id = ${waId}`;
    const sentence = "Voucher K7QX-M3PA is worth 5,000 RWF and can be used at any shop. ";
    const long = sentence.repeat(150);
    await processor(w, () => Promise.resolve({ messages: [reply(long)], handoff: false }))
      .answerOne(conversation!.id);
    const parts = w.graph.sent.map((s) => s.body);
    assert.ok(parts.length >= 3);
    assert.ok(parts.every((p) => p.length <= 4096 && p.endsWith(".")), "split at sentence ends");
    assert.equal(parts.join(" "), long.trim());
  } finally {
    await w.close();
  }
});

dbTest(
  "a worker that claimed a conversation before its message arrived answers it; the webhook's own processing stays out",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      const [row] = await sql`select public.whatsapp_conversation_for(${waId}, null) as id`;
      const id: string = row!.id;
      const worker = crypto.randomUUID();
      await sql`select public.whatsapp_claim_turn(${id}, ${worker}, 60)`;
      await w.post(text(waId, "hello"));
      assert.equal(w.graph.sent.length, 0, "the conversation is held by the worker");
      const answered: string[] = [];
      const respond: Responder = (turn) => {
        answered.push(...turn.messages.map((m) => m.text ?? ""));
        return Promise.resolve({ messages: [reply("Hi there")], handoff: false });
      };
      await processor(w, respond).answerOne(id, { worker });
      assert.deepEqual(answered, ["hello"]);
      assert.deepEqual((await rowsOf(waId)).map((r) => r.status), ["answered", "sent"]);
      const [released] = await sql`select claimed_by from public.conversations where id = ${id}`;
      assert.equal(released!.claimed_by, null);
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "an invocation starts no new turn past its time budget; the next one answers what is left",
  async () => {
    const w = await startWebhook();
    try {
      const first = uniqueWaId();
      const second = uniqueWaId();
      const off = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
      await off.post(text(first, "hello"));
      await off.post(text(second, "hello"));
      await off.close();
      const ids =
        await sql`select id from public.conversations where wa_id in (${first}, ${second}) order by wa_id = ${second}`;
      let clock = 0;
      const slow = processor(w, () => {
        clock += INVOCATION_BUDGET_MS; // a slow agent turn uses the whole budget
        return Promise.resolve({ messages: [reply("Hi")], handoff: false });
      }, { now: () => clock });
      await slow.answer(ids.map((r) => r.id));
      assert.deepEqual((await rowsOf(first)).map((r) => r.status), ["answered", "sent"]);
      assert.deepEqual(
        (await rowsOf(second)).map((r) => r.status),
        ["received"],
        "left for the next invocation",
      );
      assert.ok(
        w.lines.some((l) => l.msg === "out of time: the conversation is left to the next invocation"),
      );

      await slow.answer([ids[1]!.id]);
      assert.deepEqual((await rowsOf(second)).map((r) => r.status), ["answered", "sent"]);
    } finally {
      await w.close();
    }
  },
);
