/** Property tests of the webhook reader: for any body it answers, never throws, and loses no element. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { anyJson, fuzzRuns, nastyString, randomEnvelope, webhookBody } from "../../_testing/fuzz.ts";
import { PHONE_NUMBER_ID } from "../../_testing/meta.ts";
import { readWebhookBody } from "./intake.ts";
import { parseWebhook } from "./payload.ts";
import { sanitizeJson, sanitizeText } from "./sanitize.ts";

const encoder = new TextEncoder();

/** Every string in `value` (keys included), so each can be checked against what Postgres accepts. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value instanceof Date) return out;
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) strings(v, out).push(k);
  }
  return out;
}

const storable = (s: string) => s.isWellFormed() && !s.includes("\u0000");

Deno.test("parseWebhook() never throws, and every string it returns fits Postgres text", () => {
  fc.assert(
    fc.property(webhookBody(), fc.option(fc.constant(PHONE_NUMBER_ID), { nil: undefined }), (body, id) => {
      const batch = parseWebhook(body, { phoneNumberId: id });
      for (const s of strings(batch)) assert.ok(storable(s), JSON.stringify(s));
      for (const m of batch.messages) assert.ok(typeof m.waMessageId === "string" && m.waMessageId !== "");
      for (const s of batch.statuses) assert.ok(typeof s.waMessageId === "string" && s.waMessageId !== "");
    }),
    fuzzRuns(1500),
  );
});

Deno.test("parseWebhook() keeps every message and status of an envelope: read, or rejected with its path", () => {
  const element = /^entry\[0\]\.changes\[0\]\.value\.(messages|statuses)\[\d+\]$/;
  fc.assert(
    fc.property(randomEnvelope(), (body) => {
      const value = (body.entry as { changes: { value: Record<string, unknown[] | undefined> }[] }[])[0]!
        .changes[0]!.value;
      const batch = parseWebhook(body, { phoneNumberId: PHONE_NUMBER_ID });
      const rejected = batch.rejected.map((r) => element.exec(r.path)?.[1]);
      assert.equal(
        batch.messages.length + rejected.filter((k) => k === "messages").length,
        value.messages?.length ?? 0,
      );
      assert.equal(
        batch.statuses.length + rejected.filter((k) => k === "statuses").length,
        value.statuses?.length ?? 0,
      );
    }),
    fuzzRuns(1000),
  );
});

Deno.test("readWebhookBody() never throws on any bytes, and reads what it can", () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    webhookBody().map((b) => encoder.encode(JSON.stringify(b))),
    // A valid body cut short, or with one byte changed.
    fc.tuple(webhookBody(), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, at, byte]) => {
      const raw = encoder.encode(JSON.stringify(b));
      const i = at % Math.max(raw.length, 1);
      return at % 2 ? raw.slice(0, i) : raw.map((x, j) => j === i ? byte : x);
    }),
    // Deeper than any reader's stack.
    fc.integer({ min: 1, max: 200_000 }).map((n) => encoder.encode("[".repeat(n) + "]".repeat(n))),
  );
  fc.assert(
    fc.property(bytes, (body) => {
      const read = readWebhookBody(body, PHONE_NUMBER_ID);
      assert.ok(["received", "unparsed", "ignored"].includes(read.outcome));
      assert.equal(read.outcome === "received", read.batch !== undefined);
    }),
    fuzzRuns(600),
  );
});

Deno.test("sanitizeText() and sanitizeJson() leave only what Postgres text and jsonb accept", () => {
  fc.assert(
    fc.property(nastyString, (s) => {
      const clean = sanitizeText(s);
      assert.ok(storable(clean));
      assert.equal(clean.length, s.length);
      if (storable(s)) assert.equal(clean, s);
    }),
    fuzzRuns(2000),
  );
  fc.assert(
    fc.property(fc.dictionary(nastyString, anyJson), (v) => {
      for (const s of strings(sanitizeJson(v))) assert.ok(storable(s));
    }),
    fuzzRuns(500),
  );
});
