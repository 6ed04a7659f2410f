import assert from "node:assert/strict";
import { maskMsisdn, msisdnToE164, tryMsisdnToE164, waIdOf } from "./msisdn.ts";
import { ValidationError } from "./errors.ts";
import { toHttpError } from "./http/mod.ts";

/** Runs `fn`, asserts it threw a ValidationError of msisdn (answered 400 bad_request:msisdn), and returns it. */
function msisdnError(raw: unknown): ValidationError {
  try {
    msisdnToE164(raw);
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    assert.equal(err.field, "msisdn");
    assert.equal(toHttpError(err)?.status, 400);
    assert.equal(toHttpError(err)?.code, "bad_request:msisdn");
    return err;
  }
  assert.fail(`msisdnToE164(${JSON.stringify(raw)}) did not throw`);
}

for (
  const raw of [
    "0788123456",
    "250788123456",
    "+250788123456",
    "+250 788 123 456",
    "788123456",
    "00250788123456",
    "(+250) 788-123-456",
    "  0788.123.456  ",
  ]
) {
  Deno.test(`msisdnToE164() turns ${JSON.stringify(raw)} into +250788123456`, () => {
    assert.equal(msisdnToE164(raw), "+250788123456");
  });
}

Deno.test("msisdnToE164() keeps a foreign E.164 number such as +14155550123", () => {
  assert.equal(msisdnToE164("+14155550123"), "+14155550123");
  assert.equal(msisdnToE164("0014155550123"), "+14155550123");
});

Deno.test("msisdnToE164() rejects 'abc' with a 400 saying only digits and separators are allowed", () => {
  assert.match(msisdnError("abc").message, /only digits/);
});

Deno.test("msisdnToE164() rejects an empty or blank string with a 400 saying it is empty", () => {
  assert.match(msisdnError("").message, /empty/);
  assert.match(msisdnError("   ").message, /empty/);
});

Deno.test("msisdnToE164() rejects the number 12345 (not a string) with a 400 saying it must be a string", () => {
  assert.match(msisdnError(12345).message, /must be a string/);
  assert.match(msisdnError(250788123456).message, /must be a string/);
  assert.match(msisdnError(null).message, /must be a string/);
});

Deno.test("msisdnToE164() rejects +25078812345 with a 400 saying it has 8 digits, not 9, after +250", () => {
  const err = msisdnError("+25078812345");
  assert.match(err.message, /9 digits/);
  assert.match(err.message, /has 8\b/);
});

Deno.test("msisdnToE164() rejects +250 followed by 10 digits with a 400 saying it has 10", () => {
  assert.match(msisdnError("+2507881234567").message, /has 10\b/);
});

Deno.test("msisdnToE164() rejects +250188123456 with a 400 saying Rwandan mobiles start with 7", () => {
  assert.match(msisdnError("+250188123456").message, /start with 7/);
});

Deno.test("msisdnToE164() rejects 0788-12a-456 with a 400 saying only digits and separators are allowed", () => {
  assert.match(msisdnError("0788-12a-456").message, /only digits/);
});

Deno.test("msisdnToE164() rejects a + in the middle of the number", () => {
  assert.match(msisdnError("0788+123456").message, /only digits/);
});

Deno.test("msisdnToE164() rejects foreign numbers shorter than 8 or longer than 15 digits", () => {
  assert.match(msisdnError("+1234567").message, /8 to 15 digits/);
  assert.match(msisdnError("+1234567890123456").message, /8 to 15 digits/);
});

Deno.test("maskMsisdn() turns +250788123456 into +250*****3456, hiding the middle digits", () => {
  const masked = maskMsisdn("+250788123456");
  assert.equal(masked, "+250*****3456");
  assert.ok(!masked.includes("250788123456"));
  assert.ok(!masked.includes("78812"));
});

Deno.test("maskMsisdn() masks a number without + and with separators the same way, minus the +", () => {
  assert.equal(maskMsisdn("0788123456"), "*****3456");
  assert.equal(maskMsisdn("+250 788 123 456"), "+250*****3456");
});

Deno.test("maskMsisdn() turns anything with fewer than 7 digits into ***", () => {
  assert.equal(maskMsisdn("12345"), "***");
  assert.equal(maskMsisdn(""), "***");
});

Deno.test("maskMsisdn() hides at least five digits of short values", () => {
  assert.equal(maskMsisdn("1234567"), "*****67");
  assert.equal(maskMsisdn("12345678"), "*****78");
  assert.equal(maskMsisdn("07881234567"), "*****4567");
});

Deno.test("tryMsisdnToE164() normalises a number and gives undefined for what is not one", () => {
  assert.equal(tryMsisdnToE164("+250 788 123 456"), "+250788123456");
  assert.equal(tryMsisdnToE164("abc"), undefined);
});

Deno.test("waIdOf() gives the digits of an E.164 number, and null for none or anything else", () => {
  assert.equal(waIdOf("+250788123456"), "250788123456");
  assert.equal(waIdOf(null), null);
  assert.equal(waIdOf("250788123456"), null);
  assert.equal(waIdOf("+2507881234567890123456"), null);
});
