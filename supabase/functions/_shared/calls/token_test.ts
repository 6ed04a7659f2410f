import assert from "node:assert/strict";
import { mintCallToken, verifyCallToken } from "./mod.ts";

const SECRET = "call-token-secret-0123456789";
const NOW = Date.parse("2026-12-06T10:00:00Z");
const claims = { call: "rtc_abc123", msisdn: "+250788123456", ttlSeconds: 600 };

Deno.test("a call token verifies with its secret, for its call, until it expires", async () => {
  const token = await mintCallToken(SECRET, claims, NOW);
  const ok = await verifyCallToken([SECRET], token, NOW + 599_000, "rtc_abc123");
  assert.ok(ok.ok, "fresh and for this call");
  assert.deepEqual(ok.claims, { call: "rtc_abc123", msisdn: "+250788123456", exp: NOW / 1000 + 600 });
  assert.deepEqual(await verifyCallToken([SECRET], token, NOW + 600_000), { ok: false, reason: "expired" });
  assert.deepEqual(await verifyCallToken([SECRET], token, NOW, "rtc_other"), {
    ok: false,
    reason: "wrong_call",
  });
});

Deno.test("a call token is refused with another secret, altered claims or a bad shape", async () => {
  const token = await mintCallToken(SECRET, claims, NOW);
  assert.deepEqual(await verifyCallToken(["another-secret-0123456789"], token, NOW), {
    ok: false,
    reason: "bad_signature",
  });
  assert.ok(
    (await verifyCallToken(["another-secret-0123456789", SECRET], token, NOW)).ok,
    "either key of a rotation",
  );
  const [prefix, , signature] = token.split(".");
  const forged = btoa(JSON.stringify({ call: "rtc_abc123", msisdn: "+250788000000", exp: NOW / 1000 + 600 }))
    .replace(/=+$/, "");
  assert.deepEqual(await verifyCallToken([SECRET], `${prefix}.${forged}.${signature}`, NOW), {
    ok: false,
    reason: "bad_signature",
  });
  for (const bad of ["", "vc1", "vc1.x", `vc2.${token.split(".")[1]}.${signature}`, `${token}.extra`]) {
    assert.deepEqual((await verifyCallToken([SECRET], bad, NOW)).ok, false, bad);
  }
});

Deno.test("an unknown caller's token carries no number", async () => {
  const token = await mintCallToken(SECRET, { call: "rtc_x", msisdn: null, ttlSeconds: 60 }, NOW);
  const ok = await verifyCallToken([SECRET], token, NOW);
  assert.ok(ok.ok);
  assert.deepEqual(ok.claims.msisdn, null);
});

Deno.test("an unknown caller's token may carry the number to reach, never beside a customer's", async () => {
  const token = await mintCallToken(
    SECRET,
    { call: "rtc_r", msisdn: null, reach: "+250788555001", ttlSeconds: 60 },
    NOW,
  );
  const ok = await verifyCallToken([SECRET], token, NOW);
  assert.ok(ok.ok);
  assert.deepEqual(ok.claims, { call: "rtc_r", msisdn: null, reach: "+250788555001", exp: NOW / 1000 + 60 });
  await assert.rejects(
    mintCallToken(
      SECRET,
      { call: "rtc_r", msisdn: "+250788555002", reach: "+250788555001", ttlSeconds: 60 },
      NOW,
    ),
    "reach is for a number that matched no customer",
  );
  await assert.rejects(
    mintCallToken(SECRET, { call: "rtc_r", msisdn: null, reach: "0788555001", ttlSeconds: 60 }, NOW),
    "reach is an E.164 number",
  );
});
