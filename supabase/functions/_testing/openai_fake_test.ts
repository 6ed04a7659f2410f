import assert from "node:assert/strict";
import OpenAI from "openai";
import type { InputItem, ToolSpec } from "../_shared/agent/mod.ts";
import { call, calls, type FakeOpenAI, say, startFakeOpenAI } from "./openai_fake.ts";

const lookupCustomer: ToolSpec = {
  type: "function",
  name: "lookup_customer",
  description: "Finds a customer by phone number",
  parameters: {
    type: "object",
    properties: {
      phone: { type: "string" },
      fields: {
        type: "array",
        items: {
          type: "object",
          properties: { name: { type: "string" }, note: { type: ["string", "null"] } },
          required: ["name", "note"],
          additionalProperties: false,
        },
      },
    },
    required: ["phone", "fields"],
    additionalProperties: false,
  },
  strict: true,
};

const hello: InputItem[] = [{ type: "message", role: "user", content: "Hola, ¿tenéis cita mañana?" }];

/** The request the agent makes, with what a test overrides. */
function request(fields: Record<string, unknown> = {}) {
  return {
    model: "gpt-4.1-mini",
    instructions: "You are the shop's assistant.",
    input: hello,
    tools: [lookupCustomer],
    store: false,
    tool_choice: "auto",
    parallel_tool_calls: true,
    ...fields,
    // deno-lint-ignore no-explicit-any -- some tests send what the SDK types forbid
  } as any;
}

async function withFake(test: (fake: FakeOpenAI, client: OpenAI) => Promise<void>) {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  try {
    await test(fake, client);
  } finally {
    await fake.close();
  }
}

/** Runs `promise`, expects it to reject, returns the error. */
async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

/** Takes the one violation the test provoked, so close() does not throw. */
function takeViolation(fake: FakeOpenAI, pattern: RegExp) {
  assert.equal(fake.violations.length, 1, fake.violations.join("\n"));
  assert.match(fake.violations[0]!, pattern);
  fake.violations.length = 0;
}

Deno.test("a scripted text response reaches the SDK as output_text with usage, and the request is recorded", () =>
  withFake(async (fake, client) => {
    fake.script(say("Sí, mañana a las 10:00."), {
      output: [{ type: "message", text: "Vale" }],
      usage: { input_tokens: 12, output_tokens: 3 },
    });

    const response = await client.responses.create(request());
    assert.equal(response.output_text, "Sí, mañana a las 10:00.");
    assert.equal(response.status, "completed");
    assert.equal(response.model, "gpt-4.1-mini");
    assert.match(response.id, /^resp_[0-9a-f]{48}$/);
    assert.match(response._request_id ?? "", /^req_[0-9a-f]{32}$/);
    const item = response.output[0];
    assert.ok(item?.type === "message");
    assert.match(item.id, /^msg_/);
    const recorded = fake.requests[0]!;
    assert.equal(recorded.path, "/v1/responses");
    assert.equal(recorded.headers.authorization, `Bearer ${fake.apiKey}`);
    assert.equal(recorded.body.store, false);
    assert.deepEqual(recorded.body.input, hello);
    assert.equal(recorded.body.instructions, "You are the shop's assistant.");
    const inputTokens = Math.ceil(JSON.stringify(recorded.body).length / 4);
    assert.deepEqual(response.usage, {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: Math.ceil("Sí, mañana a las 10:00.".length / 4),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + 6,
    });

    const scripted = await client.responses.create(request());
    assert.equal(scripted.output_text, "Vale");
    assert.equal(scripted.usage?.input_tokens, 12);
    assert.equal(scripted.usage?.total_tokens, 15);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(fake.violations, []);
  }));

Deno.test("a function call reaches the SDK, and the next request carrying its output is accepted", () =>
  withFake(async (fake, client) => {
    fake.script(
      calls(call("lookup_customer", { phone: "+34600111222", fields: [] }, "call_1")),
      say("Hecho"),
    );

    const first = await client.responses.create(request());
    assert.equal(first.output_text, "");
    assert.equal(first.output.length, 1);
    const item = first.output[0];
    assert.ok(item?.type === "function_call");
    assert.equal(item.call_id, "call_1");
    assert.equal(item.name, "lookup_customer");
    assert.deepEqual(JSON.parse(item.arguments), { phone: "+34600111222", fields: [] });
    assert.match(item.id ?? "", /^fc_/);

    const input: InputItem[] = [
      ...hello,
      { type: "function_call", call_id: item.call_id, name: item.name, arguments: item.arguments },
      { type: "function_call_output", call_id: item.call_id, output: '{"name":"Ana"}' },
    ];
    const second = await client.responses.create(request({ input }));
    assert.equal(second.output_text, "Hecho");
    assert.deepEqual(fake.requests[1]!.body.input, input);
    assert.deepEqual(fake.violations, []);
  }));

Deno.test("call() gives each call a fresh call_<hex> id unless one is given", () => {
  const [a, b] = [call("f", {}), call("f", {})];
  assert.ok(a.type === "function_call" && b.type === "function_call");
  assert.match(a.call_id, /^call_[0-9a-f]{24}$/);
  assert.notEqual(a.call_id, b.call_id);
});

Deno.test("scripted 429s and 500 become the SDK's RateLimitError and InternalServerError with OpenAI's codes", () =>
  withFake(async (fake, client) => {
    fake.script(
      { status: 429, retryAfterMs: 1500 },
      { status: 429, type: "insufficient_quota" },
      { status: 500 },
      { status: 503, message: "The engine is currently overloaded, please try again later." },
    );

    const limited = await failure(client.responses.create(request()));
    assert.ok(limited instanceof OpenAI.RateLimitError);
    assert.equal(limited.status, 429);
    assert.equal(limited.code, "rate_limit_exceeded");
    assert.equal(limited.type, "requests");
    assert.match(limited.message, /^429 Rate limit reached for requests/);
    assert.equal(limited.headers?.get("retry-after-ms"), "1500");
    assert.equal(limited.headers?.get("retry-after"), "2");
    assert.match(limited.requestID ?? "", /^req_/);

    const quota = await failure(client.responses.create(request()));
    assert.ok(quota instanceof OpenAI.RateLimitError);
    assert.equal(quota.code, "insufficient_quota");
    assert.equal(quota.type, "insufficient_quota");
    assert.match(quota.message, /You exceeded your current quota/);

    const server = await failure(client.responses.create(request()));
    assert.ok(server instanceof OpenAI.InternalServerError);
    assert.equal(server.status, 500);
    assert.equal(server.code, null);
    assert.equal(server.type, "server_error");
    assert.match(server.message, /The server had an error while processing your request/);

    const overloaded = await failure(client.responses.create(request()));
    assert.ok(overloaded instanceof OpenAI.InternalServerError);
    assert.equal(overloaded.status, 503);
    assert.match(overloaded.message, /overloaded/);
    assert.deepEqual(fake.violations, []);
  }));

Deno.test("a hanging request ends in APIConnectionTimeoutError at the client's timeout, and close() is prompt", async () => {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  fake.script({ hang: true }, say("after the hang"));
  let started = performance.now();
  const error = await client.responses.create(request(), { timeout: 200 }).then(() => undefined, (e) => e);
  const elapsed = performance.now() - started;
  assert.ok(error instanceof OpenAI.APIConnectionTimeoutError, `got ${String(error)}`);
  assert.ok(elapsed >= 190 && elapsed < 2000, `took ${elapsed} ms`);
  // The fake still answers after a client gave up.
  assert.equal((await client.responses.create(request())).output_text, "after the hang");
  started = performance.now();
  await fake.close();
  assert.ok(performance.now() - started < 1000, "close() waited for the abandoned request");
});

Deno.test("close() ends a hanging request the client still waits on", async () => {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  fake.script({ hang: true });
  const pending = client.responses.create(request()).then(() => undefined, (e) => e);
  while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  await fake.close();
  const error = await pending;
  assert.ok(performance.now() - started < 1000, "close() waited for the hanging request");
  assert.ok(error instanceof OpenAI.APIError, `got ${String(error)}`);
  assert.equal(error.status, 504);
});

Deno.test("a delayed step answers after its delay", () =>
  withFake(async (fake, client) => {
    fake.script({ delayMs: 100, then: say("tarde") });
    const started = performance.now();
    const response = await client.responses.create(request());
    assert.equal(response.output_text, "tarde");
    assert.ok(performance.now() - started >= 95);
  }));

Deno.test("store: true is a violation and a 400", () =>
  withFake(async (fake, client) => {
    fake.script(say("never sent"));
    const error = await failure(client.responses.create(request({ store: true })));
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.type, "invalid_request_error");
    assert.equal(error.param, "store");
    takeViolation(fake, /store is true/);
    assert.equal(fake.requests.length, 1, "an invalid request is still recorded");
    // The scripted step was not used up by the rejected request.
    assert.equal((await client.responses.create(request())).output_text, "never sent");
  }));

Deno.test("a tool schema that is not strict is a violation and a 400 naming the context", () =>
  withFake(async (fake, client) => {
    const open = structuredClone(lookupCustomer);
    delete open.parameters.additionalProperties;
    let error = await failure(client.responses.create(request({ tools: [open] })));
    assert.equal(error.status, 400);
    assert.equal(error.code, "invalid_function_parameters");
    assert.equal(error.param, "tools[0].parameters");
    assert.match(error.message, /'lookup_customer': In context=\(\), 'additionalProperties' is required/);
    takeViolation(fake, /additionalProperties/);

    const optional = structuredClone(lookupCustomer);
    optional.parameters.required = ["phone"];
    error = await failure(client.responses.create(request({ tools: [optional] })));
    assert.match(error.message, /Missing 'fields'/);
    takeViolation(fake, /'required' is required .* Missing 'fields'/);

    const nested = structuredClone(lookupCustomer);
    // deno-lint-ignore no-explicit-any -- reaching into the schema
    (nested.parameters as any).properties.fields.items.required = ["name"];
    error = await failure(client.responses.create(request({ tools: [nested] })));
    assert.match(error.message, /In context=\('properties', 'fields', 'items'\), .* Missing 'note'/);
    takeViolation(fake, /Missing 'note'/);

    error = await failure(
      client.responses.create(request({ tools: [{ ...lookupCustomer, strict: false }] })),
    );
    assert.equal(error.param, "tools[0].strict");
    takeViolation(fake, /strict is not true/);
  }));

Deno.test("function call outputs must follow their calls, and calls must have outputs", () =>
  withFake(async (fake, client) => {
    const orphan = [...hello, { type: "function_call_output", call_id: "call_x", output: "{}" }];
    let error = await failure(client.responses.create(request({ input: orphan })));
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.match(error.message, /No tool call found for function call output with call_id call_x\./);
    assert.equal(error.param, "input");
    assert.equal(error.code, null);
    takeViolation(fake, /No tool call found/);

    const unanswered = [...hello, { type: "function_call", call_id: "call_y", name: "f", arguments: "{}" }];
    error = await failure(client.responses.create(request({ input: unanswered })));
    assert.match(error.message, /No tool output found for function call call_y\./);
    takeViolation(fake, /No tool output found/);
  }));

Deno.test("a reasoning item comes back only with its encrypted content, as store: false requires", () =>
  withFake(async (fake, client) => {
    const reasoning = { type: "reasoning", id: "rs_1", encrypted_content: "gAAAAAxyz", summary: [] };
    fake.script(say("ok"));
    await client.responses.create(request({ input: [...hello, reasoning] }));
    const { encrypted_content: _, ...byIdOnly } = reasoning;
    const error = await failure(client.responses.create(request({ input: [...hello, byIdOnly] })));
    assert.match(error.message, /Item with id 'rs_1' not found/);
    takeViolation(fake, /not persisted/);
  }));

Deno.test("a bad model, input or message item is a violation and a 400", () =>
  withFake(async (fake, client) => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ model: "" }, /Missing required parameter: 'model'/],
      [{ input: "Hola" }, /input is not an array/],
      [{ input: [{ type: "message", role: "tool", content: "x" }] }, /input\[0\] has role "tool"/],
      [
        { input: [{ type: "message", role: "user", content: [{ type: "input_text" }] }] },
        /content is not a string/,
      ],
    ];
    for (const [fields, pattern] of cases) {
      const error = await failure(client.responses.create(request(fields)));
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      takeViolation(fake, pattern);
    }
  }));

Deno.test("a wrong API key is a violation and the SDK's AuthenticationError", () =>
  withFake(async (fake) => {
    const stranger = new OpenAI({ apiKey: "sk-wrong", baseURL: fake.url, maxRetries: 0 });
    const error = await failure(stranger.responses.create(request()));
    assert.ok(error instanceof OpenAI.AuthenticationError);
    assert.equal(error.code, "invalid_api_key");
    takeViolation(fake, /Authorization is not the fake's key/);
  }));

Deno.test("a path other than POST /v1/responses is a violation and a 404", () =>
  withFake(async (fake) => {
    const response = await fetch(`${fake.url}/chat/completions`, { method: "POST", body: "{}" });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error.message, "Invalid URL (POST /v1/chat/completions)");
    takeViolation(fake, /POST \/v1\/chat\/completions: not POST \/v1\/responses/);
  }));

Deno.test("calling more often than scripted is a 500 and a violation that close() throws", async () => {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  fake.script(say("one"));
  assert.equal((await client.responses.create(request())).output_text, "one");
  const error = await failure(client.responses.create(request()));
  assert.ok(error instanceof OpenAI.InternalServerError);
  assert.deepEqual(fake.violations, ["request 2: called more often than scripted"]);
  await assert.rejects(fake.close(), /protocol violations:\nrequest 2: called more often than scripted/);
});

Deno.test("respondWith computes answers from the request once the script is used up", () =>
  withFake(async (fake, client) => {
    fake.script(say("scripted first"));
    fake.respondWith((body, index) => {
      const last = body.input.at(-1);
      return last.content === "call"
        ? calls(call("lookup_customer", { phone: "1", fields: [] }, `call_${index}`))
        : say(`#${index}: ${last.content}`);
    });
    assert.equal((await client.responses.create(request())).output_text, "scripted first");
    const echo = await client.responses.create(request({ input: [{ role: "user", content: "eco" }] }));
    assert.equal(echo.output_text, "#1: eco");
    const called = await client.responses.create(request({ input: [{ role: "user", content: "call" }] }));
    assert.deepEqual(called.output.map((i) => i.type === "function_call" && i.call_id), ["call_2"]);
  }));

Deno.test("startFakeOpenAI() uses the given key and answers with the given model name", async () => {
  const fake = await startFakeOpenAI({ apiKey: "sk-test-own-key", model: "gpt-4.1-mini-2025-04-14" });
  try {
    assert.equal(fake.apiKey, "sk-test-own-key");
    const client = new OpenAI({ apiKey: "sk-test-own-key", baseURL: fake.url, maxRetries: 0 });
    fake.script(say("ok"));
    const response = await client.responses.create(request());
    assert.equal(response.model, "gpt-4.1-mini-2025-04-14");
    assert.equal(fake.requests[0]!.body.model, "gpt-4.1-mini");
  } finally {
    await fake.close();
  }
});
