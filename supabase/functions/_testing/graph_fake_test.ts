import assert from "node:assert/strict";
import { text } from "../_shared/conversation/mod.ts";
import { encodeSend } from "../_shared/whatsapp/mod.ts";
import { createFakeGraph, type FakeGraphOptions, type FakeSent } from "./graph_fake.ts";

const PHONE_NUMBER_ID = "100000000000001";
const TOKEN = "local-access-token-0123456789";
const BASE = "http://127.0.0.1:54321/graph/v23.0";
const AT = new Date("2026-01-01T00:00:00Z");

/** The fake mounted at /graph as the dev gateway mounts it, with a fixed clock. */
function fake(options: Partial<FakeGraphOptions> = {}) {
  return createFakeGraph({
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: TOKEN,
    mount: "/graph",
    idPrefix: "TEST",
    now: () => AT,
    ...options,
  });
}

async function replies(f: ReturnType<typeof fake>, query: string): Promise<FakeSent[]> {
  const res = await f.fetch(new Request(`http://127.0.0.1:54321/graph/_replies?${query}`));
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("the fake answers a send as Meta does and keeps it as its message, with the next index and a wamid", async () => {
  const f = fake();
  // The real client, in-process: what the service sends, the fake must take.
  const first = await f.client().send(
    { waId: "250788123456" },
    text("Muraho\nAmafaranga: 5,000 RWF"),
    "cb-1",
  );
  const second = await f.client().send({ userId: "RW.1502576394655843" }, text("Hello"));
  assert.deepEqual(first, { ok: true, waMessageId: "wamid.TEST1" });
  assert.deepEqual(second, { ok: true, waMessageId: "wamid.TEST2" });
  const at = AT.toISOString();
  assert.deepEqual(f.sent, [
    {
      index: 1,
      id: "wamid.TEST1",
      to: "250788123456",
      message: text("Muraho\nAmafaranga: 5,000 RWF"),
      body: "Muraho\nAmafaranga: 5,000 RWF",
      callbackData: "cb-1",
      at,
    },
    {
      index: 2,
      id: "wamid.TEST2",
      recipient: "RW.1502576394655843",
      message: text("Hello"),
      body: "Hello",
      at,
    },
  ]);

  const raw = await f.fetch(
    new Request(`${BASE}/${PHONE_NUMBER_ID}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(encodeSend({ waId: "250788000001" }, text("Hi"))),
    }),
  );
  assert.deepEqual(await raw.json(), {
    messaging_product: "whatsapp",
    contacts: [{ input: "250788000001", wa_id: "250788000001" }],
    messages: [{ id: "wamid.TEST3" }],
  });
  assert.deepEqual(f.requests.map((r) => r.send?.body), ["Muraho\nAmafaranga: 5,000 RWF", "Hello", "Hi"]);
  assert.deepEqual(f.violations, []);
});

Deno.test("the fake keeps a template as its name, language and parameters; its body is the parameters", async () => {
  const f = fake();
  const template = {
    type: "template" as const,
    name: "voucher_update",
    language: "en",
    parameters: ["a", "b"],
  };
  assert.equal((await f.client().send({ waId: "250788123456" }, template)).ok, true);
  assert.deepEqual([f.sent[0]!.message, f.sent[0]!.body], [template, "a b"]);
});

Deno.test("the fake answers a mark-read with success, records it and keeps no reply for it", async () => {
  const f = fake();
  assert.deepEqual(await f.client().markRead("wamid.IN1", true), { ok: true, waMessageId: "wamid.IN1" });
  assert.deepEqual(f.reads, [{ messageId: "wamid.IN1", typing: true }]);
  assert.equal(f.sent.length, 0);
});

Deno.test("the fake refuses a wrong access token with Meta's 401 and code 190, and says so", async () => {
  const refused: string[] = [];
  const f = fake({ onRefuse: (reason) => refused.push(reason) });
  const result = await f.client({ accessToken: "wrong-token-0123456789" }).send(
    { waId: "250788123456" },
    text("Hi"),
  );
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.kind, "auth");
  assert.equal(!result.ok && result.code, 190);
  assert.equal(!result.ok && result.httpStatus, 401);
  assert.equal(f.sent.length, 0);
  assert.deepEqual(refused, ["wrong access token"]);

  const missing = await f.fetch(
    new Request(`${BASE}/${PHONE_NUMBER_ID}/messages`, { method: "POST", body: "{}" }),
  );
  assert.equal(missing.status, 401);
  assert.equal((await missing.json()).error.code, 190);
});

Deno.test("the fake refuses another phone number id, a body that is not a send and another path, as Meta does", async () => {
  const f = fake();
  const post = (path: string, body: unknown) =>
    f.fetch(
      new Request(`${BASE}/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(body),
      }),
    );
  const other = await post("999/messages", { messaging_product: "whatsapp", to: "250788123456" });
  assert.equal(other.status, 400);
  assert.equal((await other.json()).error.code, 100);
  const empty = await post(`${PHONE_NUMBER_ID}/messages`, {
    messaging_product: "whatsapp",
    to: "1",
    text: {},
  });
  assert.equal(empty.status, 400);
  assert.equal((await empty.json()).error.code, 100);
  const unknown = await f.fetch(new Request(`${BASE}/${PHONE_NUMBER_ID}/media`));
  assert.equal(unknown.status, 400);
  await unknown.body?.cancel();
  assert.equal(f.sent.length, 0);
  assert.equal(f.violations.length, 2, "the body and the path are violations; another number is not");
});

Deno.test("the fake takes only what wire.ts declares: an unknown message type is a violation", async () => {
  const f = fake();
  const res = await f.fetch(
    new Request(`${BASE}/${PHONE_NUMBER_ID}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        messaging_product: "whatsapp",
        to: "1",
        type: "no_such_kind",
        no_such_kind: {},
      }),
    }),
  );
  assert.deepEqual([res.status, (await res.json()).error.code], [400, 100]);
  assert.match(f.violations[0]!, /type "no_such_kind" is not a message type this service sends/);
});

Deno.test("the fake answers a read of the phone number with its token, as Meta does for deep health", async () => {
  const f = fake();
  const read = (id: string, token: string) =>
    f.fetch(
      new Request(`${BASE}/${id}?fields=id,quality_rating`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
  const ok = await read(PHONE_NUMBER_ID, TOKEN);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { id: PHONE_NUMBER_ID, quality_rating: "GREEN" });
  const refused = await read(PHONE_NUMBER_ID, "another-token-0000000000");
  assert.deepEqual([refused.status, (await refused.json()).error.code], [401, 190]);
  const other = await read("999", TOKEN);
  assert.deepEqual([other.status, (await other.json()).error.code], [400, 100]);
});

Deno.test("GET /_replies filters by recipient (wa_id with or without +, or user id) and by index", async () => {
  const f = fake();
  await f.client().send({ waId: "250788123456" }, text("one"));
  await f.client().send({ waId: "250788000001" }, text("two"));
  await f.client().send({ userId: "RW.1502576394655843" }, text("three"));
  await f.client().send({ waId: "250788123456" }, text("four"));

  assert.deepEqual((await replies(f, "to=250788123456")).map((r) => r.body), ["one", "four"]);
  assert.deepEqual((await replies(f, "to=%2B250788123456&after=1")).map((r) => r.body), ["four"]);
  assert.deepEqual((await replies(f, "to=RW.1502576394655843")).map((r) => r.index), [3]);
  assert.deepEqual((await replies(f, "after=2")).map((r) => r.body), ["three", "four"]);
  assert.deepEqual(await replies(f, "to=250788123456&after=4&wait=0"), []);
  const bad = await f.fetch(new Request("http://127.0.0.1:54321/graph/_replies?after=-1"));
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
});

Deno.test("a long poll returns as soon as a reply for its recipient arrives, not for another", async () => {
  const f = fake();
  let settled = false;
  const waiting = replies(f, "to=250788123456&after=0&wait=25").then((r) => {
    settled = true;
    return r;
  });
  await f.client().send({ waId: "250788000001" }, text("for someone else"));
  await Promise.resolve();
  assert.equal(settled, false, "a reply to another recipient does not end the poll");
  await f.client().send({ waId: "250788123456" }, text("for you"));
  const got = await waiting;
  assert.deepEqual(got.map((r) => [r.index, r.body]), [[2, "for you"]]);
});

Deno.test("stop() ends a waiting long poll empty, and later polls answer at once", async () => {
  const f = fake();
  const waiting = f.poll({ to: "250788123456", after: 0, waitMs: 25_000 });
  f.stop();
  assert.deepEqual(await waiting, []);
  assert.deepEqual(await f.poll({ after: 0, waitMs: 25_000 }), []);
});

Deno.test("keep bounds every record, and indexes keep growing past what was dropped", async () => {
  const told: number[] = [];
  const f = fake({ keep: 2, onSend: (s) => told.push(s.index) });
  for (const word of ["one", "two", "three"]) await f.client().send({ waId: "250788123456" }, text(word));
  assert.deepEqual(f.sent.map((s) => [s.index, s.body]), [[2, "two"], [3, "three"]]);
  assert.equal(f.requests.length, 2);
  assert.deepEqual(told, [1, 2, 3]);
  assert.deepEqual((await f.poll({ after: 0, waitMs: 0 })).map((s) => s.index), [2, 3]);
});

Deno.test("failNext({metaCode: 131050}) answers Meta's opt-out refusal: 400, its message and details", async () => {
  const f = fake();
  f.failNext(1, { metaCode: 131050 });
  const res = await f.fetch(
    new Request(`${BASE}/${PHONE_NUMBER_ID}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(encodeSend({ waId: "250788123456" }, text("Muraho"))),
    }),
  );
  assert.equal(res.status, 400);
  const { error } = await res.json();
  assert.equal(error.code, 131050);
  assert.match(error.message, /^\(#131050\) /);
  assert.match(error.error_data.details, /chosen to stop receiving marketing messages/);
  f.failNext(1, { metaCode: 131050 });
  const result = await f.client().send({ waId: "250788123456" }, text("Muraho"));
  assert.deepEqual([result.ok, !result.ok && result.kind, !result.ok && result.code], [
    false,
    "fatal",
    131050,
  ]);
  assert.equal(f.sent.length, 0);
});

Deno.test("pairRate(ms) refuses a second send to the same recipient within ms with 131056, as Meta does", async () => {
  let clock = AT.getTime();
  const f = fake({ now: () => new Date(clock) });
  f.pairRate(1000);
  const send = (to: string, words: string) => f.client().send({ waId: to }, text(words));
  assert.equal((await send("250788123456", "one")).ok, true);
  const refused = await send("250788123456", "two");
  assert.deepEqual(
    [refused.ok, !refused.ok && refused.kind, !refused.ok && refused.code],
    [false, "backoff", 131056],
  );
  assert.equal((await send("250788999999", "another person")).ok, true, "another recipient is not held");
  clock += 999;
  assert.equal((await send("250788123456", "three")).ok, false, "still inside the gap");
  clock += 1;
  assert.equal((await send("250788123456", "four")).ok, true, "the gap counts from the last accepted send");
  assert.deepEqual(f.sent.map((s) => s.body), ["one", "another person", "four"]);
});
