import assert from "node:assert/strict";
import { readWebhookBody } from "./intake.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("readWebhookBody() never throws: not UTF-8, not JSON, nested too deep, another object", () => {
  assert.deepEqual(readWebhookBody(Uint8Array.of(0x7b, 0xe9, 0x7d), undefined), {
    outcome: "unparsed",
    reason: "not UTF-8",
  });
  assert.deepEqual(readWebhookBody(bytes("{not json"), undefined), {
    outcome: "unparsed",
    reason: "not JSON",
  });
  const deep = `{"object":"whatsapp_business_account","entry":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  assert.deepEqual(readWebhookBody(bytes(deep), undefined), {
    outcome: "unparsed",
    reason: "cannot be read",
  });
  assert.deepEqual(readWebhookBody(bytes('{"object":"page"}'), undefined), {
    outcome: "ignored",
    reason: 'object is "page"',
  });
  const empty = readWebhookBody(bytes('{"object":"whatsapp_business_account","entry":[]}'), "1");
  assert.equal(empty.outcome, "received");
  assert.deepEqual(empty.batch?.messages, []);
});
