import assert from "node:assert/strict";
import { parseWebhook, verifySignature } from "../_shared/whatsapp/mod.ts";
import { signedRequest, statusUpdate, textMessage, webhookPayload } from "./meta.ts";

const SECRET = "app-secret-aaaaaaaaaaaaaaaa";
const URL = "http://127.0.0.1:54321/functions/v1/whatsapp-webhook";

Deno.test("signedRequest() signs the exact bytes it sends, so verifySignature() accepts them", async () => {
  const payload = webhookPayload({
    messages: [textMessage({ body: 'Amafaranga "5,000" é ✓', timestamp: new Date("2026-01-01T00:00:07Z") })],
  });
  const req = await signedRequest(URL, payload, SECRET);
  assert.equal(req.method, "POST");
  assert.equal(req.headers.get("content-type"), "application/json");
  const body = new Uint8Array(await req.arrayBuffer());
  const header = req.headers.get("x-hub-signature-256");
  assert.equal(await verifySignature(body, header, [SECRET]), true);
  assert.equal(await verifySignature(body, header, ["another-secret-bbbbbbbbbb"]), false);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(body)), payload);
});

Deno.test("signedRequest() sends a string as it is: a redelivery is the same bytes", async () => {
  const raw = JSON.stringify(webhookPayload({ statuses: [statusUpdate({ callbackData: "row-1" })] }));
  const req = await signedRequest(URL, raw, SECRET);
  assert.equal(await req.text(), raw);
  const [status] = parseWebhook(JSON.parse(raw)).statuses;
  assert.equal(status!.callbackData, "row-1");
});
