/** Property tests of the signature check: any header and body give true or false, never a throw. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzRuns, nastyString } from "../../_testing/fuzz.ts";
import { signBody, verifySignature } from "./signature.ts";

const SECRET = "app-secret-aaaaaaaaaaaaaaaa";
const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), minLength: 0, maxLength: 70 });
const header = fc.oneof(
  fc.constant(null),
  nastyString,
  hex.map((h) => `sha256=${h}`),
  hex.map((h) => ` sha256=${h.padEnd(64, "g")}\n`),
  fc.tuple(fc.constantFrom("sha1=", "SHA256=", "sha256:", ""), hex).map(([p, h]) => p + h),
);

Deno.test("verifySignature() answers a boolean for any body, header and secrets, never throws", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      header,
      fc.array(nastyString, { maxLength: 3 }),
      async (body, h, secrets) => {
        assert.equal(typeof await verifySignature(body, h, secrets), "boolean");
      },
    ),
    fuzzRuns(500),
  );
});

Deno.test("verifySignature() accepts exactly the body signed, and no byte changed or header altered", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.nat({ max: 63 }),
      async (body, at, flip, digit) => {
        const signed = await signBody(body, SECRET);
        assert.equal(await verifySignature(body, signed, [SECRET]), true);
        assert.equal(
          await verifySignature(body, signed.toUpperCase().replace("SHA256", "sha256"), [SECRET]),
          true,
        );
        const changed = body.map((b, i) => i === at % body.length ? b ^ flip : b);
        assert.equal(await verifySignature(changed, signed, [SECRET]), false);
        const i = 7 + digit;
        const other = signed.slice(0, i) + (signed[i] === "0" ? "1" : "0") + signed.slice(i + 1);
        assert.equal(await verifySignature(body, other, [SECRET]), false);
        assert.equal(await verifySignature(body, signed, ["another-secret-xxxxxxxx"]), false);
      },
    ),
    fuzzRuns(300),
  );
});
