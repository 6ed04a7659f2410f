import assert from "node:assert/strict";
import { call, calls, say, startFakeOpenAI, think } from "../../_testing/openai_fake.ts";
import { ModelError } from "./model.ts";
import { createOpenAIModel } from "./openai.ts";

const reasoning = think();

const request = {
  instructions: "Be brief.",
  input: [{ type: "message" as const, role: "user" as const, content: "hi" }],
  tools: [],
};

async function withModel(
  fn: (
    ctx: {
      ai: Awaited<ReturnType<typeof startFakeOpenAI>>;
      model: ReturnType<typeof createOpenAIModel>;
      waits: number[];
    },
  ) => Promise<void>,
  options: { budgetMs?: number; attemptTimeoutMs?: number } = {},
) {
  const ai = await startFakeOpenAI();
  const waits: number[] = [];
  const model = createOpenAIModel({
    apiKey: ai.apiKey,
    baseUrl: ai.url,
    model: "gpt-test",
    fetch: globalThis.fetch.bind(globalThis),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    now: () => performance.now(),
    ...options,
  });
  try {
    await fn({ ai, model, waits });
  } finally {
    await ai.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof ModelError, `expected a ModelError, got ${error}`);
  return error;
}

Deno.test("respond() sends the turn with store: false and returns reasoning, text, calls and usage", async () => {
  await withModel(async ({ ai, model }) => {
    ai.script({
      output: [
        reasoning,
        { type: "message", text: "Hi!" },
        call("list_vouchers", { msisdn: null }, "call_1"),
      ],
      usage: { input_tokens: 40, output_tokens: 7 },
    });
    const res = await model.respond(request);
    assert.deepEqual(res.output, [
      reasoning,
      { type: "message", text: "Hi!" },
      { type: "function_call", call_id: "call_1", name: "list_vouchers", arguments: '{"msisdn":null}' },
    ]);
    assert.deepEqual(res.usage, { inputTokens: 40, outputTokens: 7 });
    assert.equal(res.attempts, 1);
    const body = ai.requests[0]!.body;
    assert.deepEqual([body.model, body.store, body.instructions], ["gpt-test", false, "Be brief."]);
    assert.deepEqual(body.include, ["reasoning.encrypted_content"], "reasoning comes back to be given back");
  });
});

Deno.test("respond() retries 500 and 429 rate limits with backoff, then succeeds", async () => {
  await withModel(async ({ ai, model, waits }) => {
    ai.script({ status: 500 }, { status: 429, retryAfterMs: 250 }, say("ok"));
    const res = await model.respond(request);
    assert.equal(res.attempts, 3);
    assert.equal(ai.requests.length, 3);
    assert.deepEqual(waits, [400, 250], "exponential backoff, then the server's retry-after-ms");
  });
});

Deno.test("respond() gives up after three attempts with the last failure's kind", async () => {
  await withModel(async ({ ai, model }) => {
    ai.script({ status: 503 }, { status: 502 }, { status: 500 });
    const error = await failure(model.respond(request));
    assert.deepEqual([error.kind, error.status, error.retryable, error.attempts], ["server", 500, true, 3]);
    assert.equal(ai.requests.length, 3);
  });
});

Deno.test("respond() never retries what cannot succeed: quota, auth, bad request", async () => {
  for (
    const [step, kind] of [
      [{ status: 429, type: "insufficient_quota", code: "insufficient_quota" }, "insufficient_quota"],
      [{ status: 401 }, "auth"],
      [{ status: 400, type: "invalid_request_error", code: "invalid_value" }, "bad_request"],
    ] as const
  ) {
    await withModel(async ({ ai, model }) => {
      ai.script(step);
      const error = await failure(model.respond(request));
      assert.equal(error.kind, kind);
      assert.equal(ai.requests.length, 1, `${kind} is tried once`);
      ai.violations.splice(0);
    });
  }
});

Deno.test("respond() times a hanging model out, and stops retrying when the budget is spent", async () => {
  await withModel(async ({ ai, model }) => {
    ai.script({ hang: true }, { hang: true }, { hang: true });
    const started = performance.now();
    const error = await failure(model.respond(request));
    assert.equal(error.kind, "timeout");
    assert.ok(performance.now() - started < 2_000, "within the budget");
    assert.ok(ai.requests.length >= 1 && ai.requests.length <= 3);
  }, { attemptTimeoutMs: 150, budgetMs: 400 });
});

Deno.test("respond() reports a refused connection as a network failure", async () => {
  const model = createOpenAIModel({
    apiKey: "sk-test",
    baseUrl: "http://127.0.0.1:9/v1",
    model: "gpt-test",
    fetch: globalThis.fetch.bind(globalThis),
    sleep: () => Promise.resolve(),
    now: () => performance.now(),
  });
  const error = await failure(model.respond(request));
  assert.equal(error.kind, "network");
});

Deno.test("calls() scripts parallel function calls that respond() returns in order", async () => {
  await withModel(async ({ ai, model }) => {
    ai.script(
      calls(
        call("lookup_customer", { msisdn: "0788123456" }, "a"),
        call("list_vouchers", { msisdn: "0788123456", status: null }, "b"),
      ),
    );
    const res = await model.respond(request);
    assert.deepEqual(res.output.map((o) => o.type === "function_call" ? o.call_id : ""), ["a", "b"]);
  });
});
