import assert from "node:assert/strict";
import { text } from "../../supabase/functions/_shared/conversation/mod.ts";
import { createGraphClient } from "../../supabase/functions/_shared/whatsapp/mod.ts";
import { createGraphSink, type GraphSinkOptions, maskRecipient, type SinkReply } from "./graph_sink.ts";

const PHONE_NUMBER_ID = "100000000000001";
const TOKEN = "local-access-token-0123456789";
const BASE = "http://127.0.0.1:54321/graph/v23.0";
const AT = new Date("2026-01-01T00:00:00Z");

function sink(options: Partial<GraphSinkOptions> = {}) {
  const printed: string[] = [];
  const s = createGraphSink({
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: TOKEN,
    print: (text) => printed.push(text),
    now: () => AT,
    idPrefix: "TEST",
    ...options,
  });
  // The real client, talking to the sink in-process: what the service sends, the sink must take.
  const client = (accessToken = TOKEN) =>
    createGraphClient({
      graphUrl: BASE,
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken,
      fetch: (input, init) => s.fetch(new Request(input, init)),
    });
  return { sink: s, printed, client };
}

async function replies(s: ReturnType<typeof createGraphSink>, query: string): Promise<SinkReply[]> {
  const res = await s.fetch(new Request(`http://127.0.0.1:54321/graph/_replies?${query}`));
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("the sink answers a send as Meta does and gives each reply the next index and a wamid", async () => {
  const { sink: s, client, printed } = sink();
  const first = await client().send({ waId: "250788123456" }, text("Muraho\nAmafaranga: 5,000 RWF"), "cb-1");
  const second = await client().send({ userId: "RW.1502576394655843" }, text("Hello"));
  assert.deepEqual(first, { ok: true, waMessageId: "wamid.LOCALTEST000001" });
  assert.deepEqual(second, { ok: true, waMessageId: "wamid.LOCALTEST000002" });
  assert.deepEqual(s.replies.map((r) => [r.index, r.to, r.body, r.at]), [
    [1, "250788123456", "Muraho\nAmafaranga: 5,000 RWF", AT.toISOString()],
    [2, "RW.1502576394655843", "Hello", AT.toISOString()],
  ]);

  const raw = await s.fetch(
    new Request(`${BASE}/${PHONE_NUMBER_ID}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        messaging_product: "whatsapp",
        to: "250788000001",
        type: "text",
        text: { body: "Hi" },
      }),
    }),
  );
  assert.deepEqual(await raw.json(), {
    messaging_product: "whatsapp",
    contacts: [{ input: "250788000001", wa_id: "250788000001" }],
    messages: [{ id: "wamid.LOCALTEST000003" }],
  });
  assert.match(
    printed[0]!,
    /reply #1 to 250\*{5}3456 \(wamid\.LOCALTEST000001\)\n {2}\| Muraho\n {2}\| Amafaranga/,
  );
  assert.ok(!printed.join("").includes("250788123456"), "the recipient is masked");
});

Deno.test("the sink answers a mark-read with success and keeps no reply for it", async () => {
  const { sink: s, client } = sink();
  assert.deepEqual(await client().markRead("wamid.IN1", true), { ok: true, waMessageId: "wamid.IN1" });
  assert.equal(s.replies.length, 0);
});

Deno.test("the sink refuses a wrong access token with Meta's 401 and code 190", async () => {
  const { sink: s, client, printed } = sink();
  const result = await client("wrong-token-0123456789").send({ waId: "250788123456" }, text("Hi"));
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.kind, "auth");
  assert.equal(!result.ok && result.code, 190);
  assert.equal(!result.ok && result.httpStatus, 401);
  assert.equal(s.replies.length, 0);
  assert.match(printed.join(""), /wrong access token/);

  const missing = await s.fetch(
    new Request(`${BASE}/${PHONE_NUMBER_ID}/messages`, { method: "POST", body: "{}" }),
  );
  assert.equal(missing.status, 401);
  assert.equal((await missing.json()).error.code, 190);
});

Deno.test("the sink refuses another phone number id and a body that is not a send, as Meta does", async () => {
  const { sink: s } = sink();
  const post = (path: string, body: unknown) =>
    s.fetch(
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
  const unknown = await s.fetch(new Request(`${BASE}/${PHONE_NUMBER_ID}/media`));
  assert.equal(unknown.status, 400);
  await unknown.body?.cancel();
  assert.equal(s.replies.length, 0);
});

Deno.test("the sink answers a read of the phone number with its token, as Meta does for deep health", async () => {
  const { sink: s } = sink();
  const read = (id: string, token: string) =>
    s.fetch(
      new Request(`${BASE}/${id}?fields=id,quality_rating`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
  const ok = await read(PHONE_NUMBER_ID, TOKEN);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).id, PHONE_NUMBER_ID);
  const refused = await read(PHONE_NUMBER_ID, "another-token-0000000000");
  assert.deepEqual([refused.status, (await refused.json()).error.code], [401, 190]);
  const other = await read("999", TOKEN);
  assert.deepEqual([other.status, (await other.json()).error.code], [400, 100]);
});

Deno.test("GET /graph/_replies filters by recipient (wa_id with or without +, or user id) and by index", async () => {
  const { sink: s, client } = sink();
  await client().send({ waId: "250788123456" }, text("one"));
  await client().send({ waId: "250788000001" }, text("two"));
  await client().send({ userId: "RW.1502576394655843" }, text("three"));
  await client().send({ waId: "250788123456" }, text("four"));

  assert.deepEqual((await replies(s, "to=250788123456")).map((r) => r.body), ["one", "four"]);
  assert.deepEqual((await replies(s, "to=%2B250788123456&after=1")).map((r) => r.body), ["four"]);
  assert.deepEqual((await replies(s, "to=RW.1502576394655843")).map((r) => r.index), [3]);
  assert.deepEqual((await replies(s, "after=2")).map((r) => r.body), ["three", "four"]);
  assert.deepEqual(await replies(s, "to=250788123456&after=4&wait=0"), []);
  const bad = await s.fetch(new Request("http://127.0.0.1:54321/graph/_replies?after=-1"));
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
});

Deno.test("a long poll returns as soon as a reply for its recipient arrives, not for another", async () => {
  const { sink: s, client } = sink();
  let settled = false;
  const waiting = replies(s, "to=250788123456&after=0&wait=25").then((r) => {
    settled = true;
    return r;
  });
  await client().send({ waId: "250788000001" }, text("for someone else"));
  await Promise.resolve();
  assert.equal(settled, false, "a reply to another recipient does not end the poll");
  await client().send({ waId: "250788123456" }, text("for you"));
  const got = await waiting;
  assert.deepEqual(got.map((r) => [r.index, r.body]), [[2, "for you"]]);
});

Deno.test("close() ends a waiting long poll empty, and later polls answer at once", async () => {
  const { sink: s } = sink();
  const waiting = s.poll({ to: "250788123456", after: 0, waitMs: 25_000 });
  s.close();
  assert.deepEqual(await waiting, []);
  assert.deepEqual(await s.poll({ after: 0, waitMs: 25_000 }), []);
});

Deno.test("maskRecipient() keeps the first 3 and last 4 digits, and a user id's country prefix", () => {
  assert.equal(maskRecipient("250788123456"), "250*****3456");
  assert.equal(maskRecipient("RW.1502576394655843"), "RW.150*****5843");
});
