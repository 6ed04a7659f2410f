import assert from "node:assert/strict";
import { text } from "../../supabase/functions/_shared/conversation/mod.ts";
import { encodeSend } from "../../supabase/functions/_shared/whatsapp/mod.ts";
import { createGraphSink, maskRecipient } from "./graph_sink.ts";

const PHONE_NUMBER_ID = "100000000000001";
const TOKEN = "local-access-token-0123456789";

/** The sink printing into a list; its protocol is the fake's (supabase/functions/_testing/graph_fake_test.ts). */
function sink(idPrefix?: string) {
  const printed: string[] = [];
  const s = createGraphSink({
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: TOKEN,
    print: (line) => printed.push(line),
    ...(idPrefix ? { idPrefix } : {}),
  });
  return { sink: s, printed };
}

Deno.test("the sink prints each reply with its index, wamid and lines, the recipient masked", async () => {
  const { sink: s, printed } = sink("TEST");
  const sent = await s.client().send({ waId: "250788123456" }, text("Muraho\nAmafaranga: 5,000 RWF"), "cb-1");
  await s.client().send({ userId: "RW.1502576394655843" }, text("Hello"));
  assert.deepEqual(sent, { ok: true, waMessageId: "wamid.TEST1" });
  assert.match(printed[0]!, /reply #1 to 250\*{5}3456 \(wamid\.TEST1\)\n {2}\| Muraho\n {2}\| Amafaranga/);
  assert.match(printed[1]!, /reply #2 to RW\.150\*{5}5843 \(wamid\.TEST2\)\n {2}\| Hello\n$/);
  assert.ok(!printed.join("").includes("250788123456"), "the recipient is masked");
});

Deno.test("the sink says on the terminal why it refused a send", async () => {
  const { sink: s, printed } = sink();
  const result = await s.client({ accessToken: "wrong-token-0123456789" }).send(
    { waId: "250788123456" },
    text("Hi"),
  );
  assert.equal(!result.ok && result.code, 190);
  assert.equal(s.sent.length, 0);
  assert.match(printed.join(""), /refused a request: wrong access token/);
});

Deno.test("the sink is the fake mounted at /graph, with wamid.LOCAL ids that differ from run to run", async () => {
  const [a, b] = [sink(), sink()];
  const url = `http://127.0.0.1:54321/graph/v23.0/${PHONE_NUMBER_ID}/messages`;
  const body = JSON.stringify(encodeSend({ waId: "250788000001" }, text("Hi")));
  const post = (s: typeof a) =>
    s.sink.fetch(
      new Request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body,
      }),
    ).then((r) => r.json());
  const [first, second] = [await post(a), await post(b)];
  assert.match(first.messages[0].id, /^wamid\.LOCAL\w+1$/);
  assert.notEqual(first.messages[0].id, second.messages[0].id);
  assert.deepEqual(a.sink.sent.map((r) => r.body), ["Hi"]);
});

Deno.test("maskRecipient() keeps the first 3 and last 4 digits, and a user id's country prefix", () => {
  assert.equal(maskRecipient("250788123456"), "250*****3456");
  assert.equal(maskRecipient("RW.1502576394655843"), "RW.150*****5843");
});
