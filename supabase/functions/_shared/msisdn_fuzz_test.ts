/** Property tests of msisdn parsing: any input is an E.164 number or a 400, nothing else. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { anyJson, fuzzRuns, nastyString } from "../_testing/fuzz.ts";
import { ValidationError } from "./errors.ts";
import { maskMsisdn, msisdnToE164, tryMsisdnToE164 } from "./msisdn.ts";

const phoneLike = fc.string({ unit: fc.constantFrom(..."0123456789+ -().\t"), maxLength: 24 });
const input = fc.oneof(phoneLike, nastyString, anyJson, fc.stringMatching(/^(\+?250|0)?7\d{8}$/));

Deno.test("msisdnToE164() returns +<8 to 15 digits> or throws a ValidationError of msisdn, for any input", () => {
  fc.assert(
    fc.property(input, (raw) => {
      let e164: string;
      try {
        e164 = msisdnToE164(raw);
      } catch (error) {
        assert.ok(error instanceof ValidationError, String(error));
        assert.equal(error.field, "msisdn");
        if (typeof raw === "string") assert.equal(tryMsisdnToE164(raw), undefined);
        return;
      }
      assert.match(e164, /^\+[1-9]\d{7,14}$/);
      if (e164.startsWith("+250")) assert.match(e164, /^\+2507\d{8}$/);
      // Normalising is idempotent, and the masked form never shows the whole number.
      assert.equal(msisdnToE164(e164), e164);
      assert.equal(tryMsisdnToE164(raw as string), e164);
      assert.ok(!maskMsisdn(e164).includes(e164.slice(1)));
    }),
    fuzzRuns(3000),
  );
});

Deno.test("maskMsisdn() never throws and always hides at least five digits", () => {
  fc.assert(
    fc.property(fc.oneof(phoneLike, nastyString), (value) => {
      const masked = maskMsisdn(value);
      const digits = value.replace(/\D/g, "").length;
      assert.ok(digits - masked.replace(/\D/g, "").length >= Math.min(digits, 5));
    }),
    fuzzRuns(2000),
  );
});
