import assert from "node:assert/strict";
import * as fakes from "../../_testing/graph_fake.ts";
import { text as message } from "../conversation/mod.ts";
import {
  classifyGraphFailure,
  createGraphClient,
  type GraphClient,
  type GraphClientOptions,
} from "./graph.ts";
import type { SendResult } from "./types.ts";

const TOKEN = "EAAGraphTestToken9f8e7d6c5b4a";
const PHONE_ID = "106540352242922";
const WA_ID = "250788123456";
const USER_ID = "RW.1502576394655843";
const SENT_1: SendResult = { ok: true, waMessageId: "wamid.FAKE1" };
const AT = new Date("2026-01-01T00:00:00Z");
/** The fake's record of the first message it accepted, as `fields` and the message say. */
const first = (fields: { to?: string; recipient?: string; callbackData?: string }, body: string) => ({
  index: 1,
  id: "wamid.FAKE1",
  ...fields,
  message: message(body),
  body,
  at: AT.toISOString(),
});
const TIMEOUT: SendResult = { ok: false, kind: "retry", title: "timeout" };
type Kind = "retry" | "backoff" | "auth" | "fatal";

/** The failure a SendResult should be, without the keys that are absent. */
function failed(
  kind: Kind,
  httpStatus: number,
  code: number | undefined,
  title: string,
  retryAfterMs?: number,
) {
  const result: SendResult = { ok: false, kind, httpStatus, title };
  if (code !== undefined) result.code = code;
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return result;
}

/** A client on Graph API stubbed by one fetch function. */
function stubbed(fetch: typeof globalThis.fetch): GraphClient {
  return createGraphClient({
    graphUrl: "https://graph.example/v23.0",
    phoneNumberId: PHONE_ID,
    accessToken: TOKEN,
    fetch,
  });
}

/** Runs fn against a fresh fake and a client on it; the fake closes, and checks its violations, after. */
function fakeTest(
  name: string,
  fn: (fake: fakes.FakeGraph, client: GraphClient) => Promise<void>,
  clientOptions: Partial<GraphClientOptions> = {},
) {
  Deno.test(name, async () => {
    const fake = fakes.startFakeGraph({ phoneNumberId: PHONE_ID, accessToken: TOKEN, now: () => AT });
    try {
      const options = {
        graphUrl: fake.url,
        phoneNumberId: PHONE_ID,
        accessToken: TOKEN,
        fetch,
        ...clientOptions,
      };
      await fn(fake, createGraphClient(options));
    } finally {
      await fake.close();
    }
  });
}

fakeTest("send() posts Meta's text body with the bearer token, answers the wamid", async (fake, c) => {
  assert.deepEqual(await c.send({ waId: WA_ID }, message("Muraho! Your voucher is ready.")), SENT_1);
  const [request] = fake.requests;
  assert.equal(request?.method, "POST");
  assert.equal(request?.path, `/v23.0/${PHONE_ID}/messages`);
  assert.equal(request?.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(request?.headers["content-type"], "application/json");
  const text = { preview_url: false, body: "Muraho! Your voucher is ready." };
  const body = { messaging_product: "whatsapp", recipient_type: "individual", to: WA_ID, type: "text", text };
  assert.deepEqual(request?.body, body);
  assert.deepEqual(fake.sent, [first({ to: WA_ID }, "Muraho! Your voucher is ready.")]);
});

fakeTest("send() passes callback data as biz_opaque_callback_data", async (fake, c) => {
  assert.deepEqual(await c.send({ waId: WA_ID, userId: USER_ID }, message("Hello"), "outbox:42"), SENT_1);
  assert.deepEqual(fake.sent, [first({ to: WA_ID, callbackData: "outbox:42" }, "Hello")]);
});

fakeTest("send() to a username-only user addresses the business-scoped user id", async (fake, c) => {
  assert.deepEqual(await c.send({ userId: USER_ID }, message("Hi")), SENT_1);
  const body = fake.requests[0]?.body as Record<string, unknown>;
  assert.equal(body.recipient, USER_ID);
  assert.ok(!("to" in body));
  assert.deepEqual(fake.sent, [first({ recipient: USER_ID }, "Hi")]);
});

fakeTest("send() refuses what Meta would reject without calling it", async (fake, c) => {
  const results = [
    await c.send({}, message("Hi")),
    await c.send({ waId: WA_ID }, message("  ")),
    await c.send({ waId: WA_ID }, message("a".repeat(4097))),
  ];
  assert.deepEqual(results.map((r) => !r.ok && r.kind), ["fatal", "fatal", "fatal"]);
  assert.equal(fake.requests.length, 0);
});

fakeTest("markRead() sends the read receipt, with the typing indicator only when asked", async (fake, c) => {
  assert.deepEqual(await c.markRead("wamid.IN1", true), { ok: true, waMessageId: "wamid.IN1" });
  assert.deepEqual(await c.markRead("wamid.IN2", false), { ok: true, waMessageId: "wamid.IN2" });
  const read = { messaging_product: "whatsapp", status: "read" };
  assert.deepEqual(fake.requests.map((r) => r.body), [
    { ...read, message_id: "wamid.IN1", typing_indicator: { type: "text" } },
    { ...read, message_id: "wamid.IN2" },
  ]);
  assert.deepEqual(fake.reads, [{ messageId: "wamid.IN1", typing: true }, {
    messageId: "wamid.IN2",
    typing: false,
  }]);
});

fakeTest(
  "send() classifies each scripted failure, then succeeds once they are spent",
  async (fake, c) => {
    const pairLimit = "(#131056) (Business Account, Consumer Account) pair rate limit hit";
    const expired = "Error validating access token: Session has expired on Tuesday, 01-Jul-25 10:00:00 PDT.";
    const cases: [fakes.FakeFailure, SendResult][] = [
      [{ metaCode: 131047 }, failed("fatal", 400, 131047, "(#131047) Re-engagement message")],
      [{ metaCode: 100 }, failed("fatal", 400, 100, "(#100) Invalid parameter")],
      [
        { metaCode: 130429, retryAfter: 30 },
        failed("backoff", 429, 130429, "(#130429) Rate limit hit", 30_000),
      ],
      [{ metaCode: 131056 }, failed("backoff", 400, 131056, pairLimit)],
      [{ metaCode: 190 }, failed("auth", 401, 190, expired)],
      [{ metaCode: 131000 }, failed("retry", 500, 131000, "(#131000) Something went wrong")],
      [{ status: 500 }, failed("retry", 500, undefined, "HTTP 500")],
      [{ status: 429, retryAfter: 7 }, failed("retry", 429, undefined, "HTTP 429", 7000)],
      [{ status: 404 }, failed("fatal", 404, undefined, "HTTP 404")],
    ];
    for (const [failure] of cases) fake.failNext(1, failure);
    for (const [failure, expected] of cases) {
      assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), expected, JSON.stringify(failure));
    }
    assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), SENT_1);
    assert.equal(fake.sent.length, 1);
  },
);

fakeTest("send() gives up on a hanging Graph API after timeoutMs, as a retry", async (fake, c) => {
  fake.failNext(1, { hang: true });
  const started = performance.now();
  assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), TIMEOUT);
  assert.ok(performance.now() - started < 2_000);
  assert.deepEqual(fake.sent, [], "a hung request is never accepted");
  assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), SENT_1);
}, { timeoutMs: 200 });

fakeTest("send() waits for a late answer within timeoutMs", async (fake, c) => {
  fake.failNext(1, { delayMs: 50 });
  assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), SENT_1);
});

fakeTest(
  "the fake accepts a send whose answer came too late for the client, as Meta may",
  async (fake, c) => {
    fake.failNext(1, { delayMs: 3000 });
    assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), TIMEOUT);
    await fake.close();
    assert.deepEqual(fake.sent.map((s) => s.id), ["wamid.FAKE1"]);
  },
  { timeoutMs: 200 },
);

fakeTest("a wrong token is an auth failure whose title carries neither token", async (fake, c) => {
  const title = "Invalid OAuth access token - Cannot parse access token";
  assert.deepEqual(await c.send({ waId: WA_ID }, message("Hi")), failed("auth", 401, 190, title));
  assert.equal(fake.sent.length, 0);
}, { accessToken: "EAAWrongToken1234567890" });

fakeTest("a wrong phone number id is fatal with Meta's code 100", async (_fake, c) => {
  const result = await c.markRead("wamid.IN1", false);
  assert.ok(!result.ok && result.kind === "fatal" && result.code === 100, JSON.stringify(result));
  assert.match(result.title, /Object with ID '999' does not exist/);
}, { phoneNumberId: "999" });

fakeTest("the fake records protocol violations, and close() throws on those left", async (fake) => {
  const post = (body: unknown, path = `/${PHONE_ID}/messages`) =>
    fetch(fake.url + path, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(async (r) => [r.status, (await r.json()).error?.code]);
  const text = { type: "text", text: { body: "Hi" } };
  const long = { type: "text", text: { body: "x".repeat(4097) } };
  assert.deepEqual(await post({ to: WA_ID, ...text }), [400, 100]);
  assert.deepEqual(await post({ messaging_product: "whatsapp", ...text }), [400, 100]);
  assert.deepEqual(await post({ messaging_product: "whatsapp", to: WA_ID, ...long }), [400, 100]);
  assert.deepEqual(await post({ messaging_product: "whatsapp", to: WA_ID, ...text }, "/other"), [400, 100]);
  assert.equal(fake.violations.length, 4);
  assert.match(
    fake.violations.join("\n"),
    /messaging_product[\s\S]*to and recipient[\s\S]*4097[\s\S]*not POST/,
  );
  await assert.rejects(fake.close(), /protocol violations/);
  fake.violations.splice(0);
});

Deno.test("classifyGraphFailure() maps every listed Meta code to its kind, whatever the status", () => {
  const kinds: Record<Kind, number[]> = {
    fatal: [131047, 131050, 100, 131026, 131051, 131052, 131053, 131008, 131009, 131021, 131030, 470],
    backoff: [130429, 131056, 80007, 4, 613],
    auth: [190, 10, 200],
    retry: [131000, 131016, 1, 2, 133004],
  };
  for (const [kind, codes] of Object.entries(kinds) as [Kind, number[]][]) {
    for (const code of codes) {
      const message = String(fakes.metaErrorBody(code).error.message);
      for (const status of [400, 429, 500]) {
        assert.deepEqual(
          classifyGraphFailure(status, { code, message }, null),
          failed(kind, status, code, message),
        );
      }
    }
  }
});

Deno.test("classifyGraphFailure() falls back on the HTTP status for unknown codes and none", () => {
  const kind = (status: number | undefined, code?: number) =>
    (classifyGraphFailure(status, code === undefined ? undefined : { code }, null) as { kind: Kind }).kind;
  assert.deepEqual([kind(429), kind(429, 131048), kind(502), kind(503, 999999)], [
    "retry",
    "retry",
    "retry",
    "retry",
  ]);
  assert.deepEqual([kind(400, 131048), kind(403), kind(401)], ["fatal", "fatal", "auth"]);
  const network = { ok: false, kind: "retry", title: "network error" };
  assert.deepEqual(classifyGraphFailure(undefined, undefined, null), network);
});

Deno.test("classifyGraphFailure() reads Retry-After seconds and ignores what is not seconds", () => {
  const after = (value: string | null) =>
    (classifyGraphFailure(503, undefined, value) as { retryAfterMs?: number }).retryAfterMs;
  assert.deepEqual([after("12"), after(" 0 "), after("-5"), after(null)], [12_000, 0, undefined, undefined]);
  assert.equal(after("Wed, 21 Oct 2015 07:28:00 GMT"), undefined);
});

Deno.test("a failing fetch is a network error retry that does not leak the token", async () => {
  const client = stubbed(() => Promise.reject(new TypeError(`refused (Authorization: Bearer ${TOKEN})`)));
  assert.deepEqual(await client.send({ waId: WA_ID }, message("Hi")), {
    ok: false,
    kind: "retry",
    title: "network error",
  });
});

Deno.test("a Meta message quoting the token comes back redacted", async () => {
  const body = { error: { message: `Malformed access token ${TOKEN}`, type: "OAuthException", code: 190 } };
  const client = stubbed(() => Promise.resolve(Response.json(body, { status: 400 })));
  const result = await client.markRead("wamid.IN1", true);
  assert.deepEqual(result, failed("auth", 400, 190, "Malformed access token [redacted]"));
});

Deno.test("a success answer without a message id is fatal, never retried into a duplicate", async () => {
  const client = stubbed(() => Promise.resolve(new Response("<html>ok</html>", { status: 200 })));
  assert.deepEqual(
    await client.send({ waId: WA_ID }, message("Hi")),
    failed("fatal", 200, undefined, "unexpected success answer"),
  );
});

Deno.test("createGraphClient() rejects a token a header cannot carry without quoting it", () => {
  const options = { graphUrl: "https://graph.example/v23.0", phoneNumberId: PHONE_ID, fetch };
  assert.throws(
    () => createGraphClient({ ...options, accessToken: "EAAsecret-with\nnewline" }),
    (err: Error) => {
      assert.ok(!err.message.includes("EAAsecret"));
      return err instanceof TypeError;
    },
  );
  assert.throws(() => createGraphClient({ ...options, accessToken: "" }), TypeError);
});
