import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import type { Db } from "../db/mod.ts";
import { DbFailure, Refusal } from "../errors.ts";
import { text, type Turn } from "../conversation/mod.ts";
import { textOf } from "../../_testing/assert.ts";
import { parseConfirmation, withConfirmations } from "./confirmations.ts";

Deno.test("parseConfirmation() reads a whole message that is a confirmation, in four languages", () => {
  for (
    const [text, verb, code] of [
      ["YES 4821", "confirm", "4821"],
      ["yes 4821.", "confirm", "4821"],
      ["  Oui   0007 ", "confirm", "0007"],
      ["Yego 4821!", "confirm", "4821"],
      ["ndiyo 4821", "confirm", "4821"],
      ["confirm: 4821", "confirm", "4821"],
      ["yes-4821", "confirm", "4821"],
      ["NO 4821", "cancel", "4821"],
      ["hapana 4821", "cancel", "4821"],
      ["approve 123456", "approve", "123456"],
      ["withdraw 4821", "cancel", "4821"],
    ] as const
  ) {
    assert.deepEqual(parseConfirmation(text), { verb, code }, text);
  }
});

Deno.test("parseConfirmation() leaves ordinary messages to the agent: one letter, ok, no separator", () => {
  for (
    const text of ["ok 5000", "OK: 4821", "n 1500", "y2026", "y 4821", "yes4821", "no1500", "approve123456"]
  ) {
    assert.equal(parseConfirmation(text), null, text);
  }
});

Deno.test("parseConfirmation() ignores a confirmation inside a sentence, other lengths, and empty input", () => {
  for (
    const text of [
      "yes 482",
      "yes 48211",
      "I said yes 4821",
      "yes 4821 and create another",
      "approve 4821",
      "4821",
      "",
      null,
      undefined,
    ]
  ) {
    assert.equal(parseConfirmation(text), null, String(text));
  }
});

function turn(role: "customer" | "operator", bodies: string[]): Turn {
  return {
    conversationId: "c1",
    sender: { msisdn: "+250788000001", role, language: "en" },
    messages: bodies.map((body, i) => ({ id: `m${i}`, type: "text", text: body })),
  };
}

function db(answer: (fn: string, args: Record<string, unknown>) => unknown, calls: string[] = []): Db {
  return {
    transport: "sql",
    rpc: (fn: string, args: unknown) => {
      calls.push(fn);
      try {
        return Promise.resolve(answer(fn, args as Record<string, unknown>) as never);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close: () => Promise.resolve(),
  };
}

const log = createLogger({ sink: () => {} });
const DONE = {
  action_id: "a1",
  kind: "redeem_voucher",
  status: "done",
  confirmation_code: null,
  expires_at: "2026-11-27T10:00:00Z",
  error: null,
  result: { code: "K7QX-M3PA" },
  customer_msisdn: "+250788123456",
  customer_name: "Jean",
  amount_rwf: 5000,
  code: "K7QX-M3PA",
};

Deno.test("withConfirmations() passes customers' turns and turns without a confirmation to the next responder", async () => {
  const calls: string[] = [];
  const next = () => Promise.resolve({ messages: [text("NEXT")], handoff: false });
  const respond = withConfirmations({ db: db(() => DONE, calls), log }, next);
  assert.equal(textOf(await respond(turn("customer", ["YES 4821"]))), "NEXT");
  assert.equal(textOf(await respond(turn("operator", ["redeem K7QX-M3PA"]))), "NEXT");
  assert.deepEqual(calls, [], "no confirmation was attempted");
});

Deno.test("withConfirmations() carries out the operator's YES by its message, then answers the rest of the turn", async () => {
  const calls: string[] = [];
  const seen: Record<string, unknown>[] = [];
  const respond = withConfirmations(
    { db: db((_, args) => (seen.push(args), DONE), calls), log },
    (t) =>
      Promise.resolve({
        messages: [text(`NEXT(${t.messages.map((m) => m.text).join("|")})`)],
        handoff: false,
      }),
  );
  const reply = await respond(turn("operator", ["YES 4821", "and my balance?"]));
  assert.deepEqual(calls, ["confirm_voucher_action"]);
  assert.deepEqual(seen[0], {
    p_operator_msisdn: "+250788000001",
    p_confirmation_code: "4821",
    p_message_id: "m0",
  });
  assert.match(textOf(reply), /^Done: redeemed voucher …M3PA/);
  assert.match(textOf(reply), /NEXT\(and my balance\?\)$/);
});

Deno.test("withConfirmations() resolves an ambiguous failure by calling again with the same key", async () => {
  let n = 0;
  const calls: string[] = [];
  const respond = withConfirmations({
    db: db(() => {
      if (++n === 1) throw new DbFailure("timeout", "timed out");
      return { ...DONE, replayed: true };
    }, calls),
    log,
  }, () => Promise.reject(new Error("unused")));
  assert.match(textOf(await respond(turn("operator", ["yes 4821"]))), /^Done:/);
  assert.deepEqual(calls, ["confirm_voucher_action", "confirm_voucher_action"]);
});

Deno.test("withConfirmations() explains a refusal: an unknown code, a limit", async () => {
  const respond = (error: Refusal) =>
    withConfirmations({
      db: db(() => {
        throw error;
      }),
      log,
    }, () => Promise.reject(new Error("unused")))(turn("operator", ["YES 1111"]));
  assert.match(
    textOf(await respond(new Refusal("not_found", "confirmation_not_found", "x"))),
    /^Nothing is waiting for the confirmation code 1111/,
  );
  assert.equal(
    textOf(
      await respond(new Refusal("limited", "operator_rate_limited", "Operator limit: 60 voucher changes")),
    ),
    "Not done: Operator limit: 60 voucher changes.",
  );
});

Deno.test("withConfirmations() counts a wrong code, and says so at the third", async () => {
  const wrong = (wrong_codes: number, failed_actions: number) =>
    withConfirmations({
      db: db(() => ({
        wrong_code: true,
        verb: "confirm",
        wrong_codes,
        tries_left: Math.max(3 - wrong_codes, 0),
        failed_actions,
      })),
      log,
    }, () => Promise.reject(new Error("unused")))(turn("operator", ["YES 1111"]));
  assert.match(textOf(await wrong(0, 0)), /^Nothing is waiting for the confirmation code 1111/);
  assert.match(
    textOf(await wrong(1, 0)),
    /^Nothing is waiting for the confirmation code 1111\. Check the code: after 2 more wrong codes/,
  );
  assert.match(
    textOf(await wrong(3, 2)),
    /^Wrong code 1111\. That was the third wrong code, so your 2 pending actions were cancelled/,
  );
});

Deno.test("withConfirmations() tells an approver the action was withdrawn", async () => {
  const respond = withConfirmations(
    { db: db(() => ({ ...DONE, kind: "create_voucher", status: "cancelled", closed: true })), log },
    () => Promise.reject(new Error("unused")),
  );
  assert.match(
    textOf(await respond(turn("operator", ["APPROVE 123456"]))),
    /^Withdrawn: the operator who asked withdrew/,
  );
});
