/**
 * Running-server fuzz: whatsapp-webhook and tool-lookup-customer served on a loopback port (Deno.serve)
 * over the test database, sent signed random and mutated Meta payloads (with repeated message ids and
 * repeated bodies) and random lookup requests. No answer is a 5xx while the database is up, the server
 * still answers afterwards, every signed body is in webhook_payloads and no message id is stored twice.
 * Fixed seed (FUZZ_SEED) and bounded runs: a failure prints the seed and the shrunk request.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createHandler as createLookup } from "../tool-lookup-customer/index.ts";
import { signBody } from "../_shared/whatsapp/mod.ts";
import { anyJson, fuzzRuns, messageId, nastyString, webhookBody } from "../_testing/fuzz.ts";
import { dbTest, insertCustomer, testDeps, testSql, TOOL_KEY } from "../_testing/harness.ts";
import { APP_SECRET, startWebhook, VERIFY_TOKEN } from "./_whatsapp.ts";

const sql = await testSql();
await insertCustomer(sql, "+250788123456", "Jean Claude Niyonzima", [
  { code: "K7QX-M3PA", amount: 5000, status: "issued" },
]);

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Both functions on one loopback port, as the gateway routes them; `settle` waits for their after-work. */
async function startServer() {
  const w = await startWebhook();
  // The fuzzed calls spend TOOL_KEY's allowance a minute; the last look (stillAnswers) uses its own key.
  const lookup = await testDeps({ TOOL_API_KEYS: `${TOOL_KEY},${PROBE_KEY}` });
  const lookupHandler = createLookup(lookup.deps);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname.startsWith("/tool-lookup-customer") ? lookupHandler(req) : w.handler(req),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    settle: async () => {
      await w.settle();
      await lookup.settle();
    },
    async close() {
      await server.shutdown();
      await w.close();
      await lookup.deps.db.close();
    },
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;

const PROBE_KEY = "tool-key-probe-pppppppppppp";

/** The server still answers: Meta's verification handshake and a real lookup. */
async function stillAnswers(s: Server) {
  const hs = await fetch(
    `${s.url}/whatsapp-webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=7`,
  );
  assert.equal(await hs.text(), "7");
  const found = await fetch(`${s.url}/tool-lookup-customer`, {
    method: "POST",
    headers: { authorization: `Bearer ${PROBE_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ msisdn: "0788123456" }),
  });
  assert.equal(found.status, 200);
  await found.body?.cancel();
}

/** A webhook request: a JSON body or raw bytes, signed right, wrongly, or not at all, sent once or twice. */
const webhookRequest = fc.record({
  body: fc.oneof(
    { weight: 6, arbitrary: webhookBody(messageId("FZ", 40)).map((b) => encoder.encode(JSON.stringify(b))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        nastyString,
        fc.string({ unit: fc.constantFrom("a", "🙏"), minLength: 30, maxLength: 45 }),
      )
        .map((s) => encoder.encode(JSON.stringify({ object: s }))),
    },
  ),
  signature: fc.constantFrom("right", "right", "right", "right", "wrong", "none"),
  times: fc.constantFrom(1, 1, 1, 2),
});

dbTest("fuzz: whatsapp-webhook never answers 5xx, stores each signed body and no message twice", async () => {
  const s = await startServer();
  const signed: string[] = [];
  const before = Number((await sql`select count(*) from public.webhook_payloads`)[0]!.count);
  try {
    await fc.assert(
      fc.asyncProperty(webhookRequest, async ({ body, signature, times }) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (signature !== "none") {
          headers["x-hub-signature-256"] = await signBody(
            body,
            signature === "right" ? APP_SECRET : "not-it",
          );
        }
        for (let i = 0; i < times; i++) {
          const res = await fetch(`${s.url}/whatsapp-webhook`, { method: "POST", headers, body });
          const text = await res.text();
          await s.settle();
          assert.ok(res.status < 500, `${res.status} ${text}`);
          assert.equal(res.status, signature === "right" ? 200 : 401, text);
          if (signature === "right") signed.push(await sha256(body));
        }
      }),
      fuzzRuns(600),
    );
    await stillAnswers(s);
    const stored = await sql<{ sha256: string }[]>`
      select sha256 from public.webhook_payloads order by id offset ${before}`;
    assert.deepEqual(stored.map((r) => r.sha256).sort(), [...signed].sort());
    const [ids] = await sql`
      select count(*)::int as messages, count(distinct wa_message_id)::int as distinct_ids
      , count(*) filter (where wa_message_id like 'wamid.FZ%')::int as fuzzed
      from public.messages where wa_message_id is not null`;
    // The fuzz did store messages (40 possible ids, each offered many times), each once.
    assert.ok(ids!.fuzzed > 10, JSON.stringify(ids));
    assert.equal(ids!.messages, ids!.distinct_ids);
  } finally {
    await s.close();
  }
});

/** A lookup request: any method, content type, authorization and body. */
const lookupRequest = fc.record({
  method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH"),
  contentType: fc.option(
    fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
    {
      nil: undefined,
    },
  ),
  auth: fc.oneof(
    fc.constant(`Bearer ${TOOL_KEY}`),
    fc.constant(`Bearer ${TOOL_KEY}`),
    fc.constant(undefined),
    fc.constantFrom("Bearer ", "Basic dXNlcjpwYXNz", `bearer ${TOOL_KEY}`, `Bearer  ${TOOL_KEY} `),
    fc.string({ unit: fc.constantFrom(..."Bearer abc-_=+/"), maxLength: 40 }),
  ),
  body: fc.oneof(
    fc.record({ msisdn: fc.oneof(fc.stringMatching(/^(\+?250|0)?7\d{8}$/), anyJson) }).map((b) =>
      JSON.stringify(b)
    ),
    anyJson.map((v) => JSON.stringify(v) ?? ""),
    fc.uint8Array({ maxLength: 200 }),
    fc.constant(undefined),
  ),
});

dbTest("fuzz: tool-lookup-customer never answers 5xx to any method, headers and body", async () => {
  const s = await startServer();
  try {
    await fc.assert(
      fc.asyncProperty(lookupRequest, async ({ method, contentType, auth, body }) => {
        const headers = new Headers();
        if (contentType) headers.set("content-type", contentType);
        // A header value fetch refuses (a control character) is one no client could send either.
        if (auth !== undefined && /^[\x20-\x7e]*$/.test(auth)) headers.set("authorization", auth);
        const hasBody = method !== "GET" && body !== undefined;
        const res = await fetch(`${s.url}/tool-lookup-customer`, {
          method,
          headers,
          body: hasBody ? body : null,
        });
        const text = await res.text();
        await s.settle();
        assert.ok(res.status < 500, `${res.status} ${text}`);
      }),
      fuzzRuns(600),
    );
    await stillAnswers(s);
  } finally {
    await s.close();
  }
});

dbTest(
  "a signed body whose object is cut inside an emoji in the ignored reason is stored, not a 5xx",
  async () => {
    const s = await startServer();
    try {
      // "object is " + a 40-character cut of "\"aaa…🙏\"" ends between the emoji's two halves.
      const body = encoder.encode(JSON.stringify({ object: `${"a".repeat(38)}🙏` }));
      const res = await fetch(`${s.url}/whatsapp-webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": await signBody(body, APP_SECRET),
        },
        body,
      });
      assert.equal(res.status, 200, await res.text());
      await s.settle();
      const [row] =
        await sql`select outcome, detail from public.webhook_payloads where sha256 = ${await sha256(
          body,
        )}`;
      assert.equal(row!.outcome, "ignored");
      assert.match(row!.detail.reason, /^object is "a{38}\uFFFD$/);
    } finally {
      await s.close();
    }
  },
);
