import assert from "node:assert/strict";
import OpenAI from "openai";
import { startFakeOpenAI } from "./openai_fake.ts";
import { callControlProblem } from "./openai_calls.ts";
import { callIncoming, signDelivery, WEBHOOK_SECRET } from "./openai_webhooks.ts";

Deno.test("the fake sender's signature is one the openai SDK's webhooks.unwrap accepts, and only with its secret", async () => {
  const client = new OpenAI({ apiKey: "sk-x" });
  const body = JSON.stringify(callIncoming({ callId: "rtc_sig" }));
  const now = Math.floor(Date.now() / 1000);
  const headers = await signDelivery(WEBHOOK_SECRET, "wh_1", now, body);
  const event = await client.webhooks.unwrap(body, headers, WEBHOOK_SECRET);
  assert.equal(event.type, "realtime.call.incoming");
  await assert.rejects(client.webhooks.unwrap(body, headers, `whsec_${btoa("another-secret-0123456789")}`));
  await assert.rejects(client.webhooks.unwrap(`${body} `, headers, WEBHOOK_SECRET), /signature/);
  const old = await signDelivery(WEBHOOK_SECRET, "wh_1", now - 301, body);
  await assert.rejects(client.webhooks.unwrap(body, old, WEBHOOK_SECRET), /too old/);
});

Deno.test("the fake's call control takes what the SDK sends and records it", async () => {
  const ai = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: ai.apiKey, baseURL: ai.url, maxRetries: 0 });
  await client.realtime.calls.accept("rtc_1", {
    type: "realtime",
    model: "gpt-realtime",
    instructions: "Hi",
  });
  await client.realtime.calls.refer("rtc_2", { target_uri: "tel:+250788000111" });
  await client.realtime.calls.reject("rtc_3", { status_code: 486 });
  await client.realtime.calls.hangup("rtc_4");
  assert.deepEqual(ai.calls.requests.map((r) => `${r.action} ${r.callId}`), [
    "accept rtc_1",
    "refer rtc_2",
    "reject rtc_3",
    "hangup rtc_4",
  ]);
  ai.calls.failNext(500);
  await assert.rejects(
    client.realtime.calls.accept("rtc_5", { type: "realtime" }),
    OpenAI.InternalServerError,
  );
  await assert.rejects(
    client.realtime.calls.refer("rtc_6", { target_uri: "+250788000111" }),
    OpenAI.BadRequestError,
  );
  assert.deepEqual(ai.violations, ["call control 6 (refer): target_uri must be a tel: or sip: URI"]);
  ai.violations.length = 0;
  await ai.close();
});

Deno.test("callControlProblem() refuses accept bodies OpenAI would", () => {
  assert.equal(callControlProblem("accept", { model: "x" }), "type must be realtime");
  assert.equal(
    callControlProblem("accept", { type: "realtime", greeting: "hi" }),
    "unknown parameter: greeting",
  );
  const mcp = { type: "mcp", server_label: "vouchers", server_url: "https://x/functions/v1/voucher-mcp" };
  assert.equal(callControlProblem("accept", { type: "realtime", tools: [mcp] }), undefined);
  assert.match(
    callControlProblem("accept", { type: "realtime", tools: [{ ...mcp, server_url: "ftp://x" }] }) ?? "",
    /server_url/,
  );
  assert.match(
    callControlProblem("accept", { type: "realtime", tools: [{ ...mcp, headers: { Authorization: 1 } }] }) ??
      "",
    /headers/,
  );
  assert.match(
    callControlProblem("accept", { type: "realtime", tools: [{ ...mcp, require_approval: "sometimes" }] }) ??
      "",
    /require_approval/,
  );
});
