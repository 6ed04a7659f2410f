import assert from "node:assert/strict";
import { DEEP_CACHE_MS } from "../_shared/ops/mod.ts";
import { createHandler } from "../health/index.ts";
import { startFakeGraph } from "../_testing/graph_fake.ts";
import { startFakeOpenAI } from "../_testing/openai_fake.ts";
import { dbTest, METRICS_TOKEN, request, testDeps } from "../_testing/harness.ts";

/** The health handler against both fakes, with a clock the test moves; `env` overrides variables. */
async function deepHealth(env: Record<string, string> = {}, fakes: { models?: string[] } = {}) {
  const openai = await startFakeOpenAI({ models: fakes.models });
  const graph = startFakeGraph();
  const t = await testDeps({
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.url,
    OPENAI_MODEL: "gpt-5-mini",
    WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
    WHATSAPP_GRAPH_URL: graph.url,
    ...env,
  });
  let clock = 1_000_000;
  const handler = createHandler({ ...t.deps, now: () => clock });
  return {
    openai,
    graph,
    t,
    advance: (ms: number) => void (clock += ms),
    get: async (bearer: string | null = METRICS_TOKEN, query = "?deep=1") => {
      const res = await handler(request(`/health${query}`, { bearer: bearer ?? undefined }));
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), text };
    },
    graphReads: () => graph.requests.filter((r) => r.method === "GET"),
    async close() {
      await t.settle();
      await t.deps.db.close();
      await openai.close();
      await graph.close();
    },
  };
}

dbTest(
  "deep health needs the metrics token (401 otherwise, nothing called); plain health stays public",
  async () => {
    const h = await deepHealth();
    try {
      assert.equal((await h.get(null)).status, 401);
      assert.equal((await h.get("metrics-token-wrong-wrong")).status, 401);
      const plain = await h.get(null, "");
      assert.equal(plain.status, 200);
      assert.equal(plain.body.checks.deep, undefined, "no outbound check without ?deep=1");
      assert.equal(
        h.openai.modelReads.length + h.graphReads().length,
        0,
        "a refused caller reaches no service",
      );
    } finally {
      await h.close();
    }
  },
);

dbTest("deep health tries each credential, and answers from its cache for 30 seconds", async () => {
  const h = await deepHealth();
  try {
    const first = await h.get();
    assert.equal(first.status, 200);
    assert.equal(first.body.status, "ok");
    assert.equal(first.body.checks.deep.openai.ok, true);
    assert.equal(first.body.checks.deep.whatsapp.ok, true);
    assert.equal(first.body.checks.deep.whatsapp.quality_rating, "GREEN");
    assert.equal(first.body.checks.deep.age_seconds, 0);
    assert.equal(h.openai.modelReads[0]!.path, "/v1/models/gpt-5-mini", "the configured model, by the SDK");
    assert.equal(h.openai.modelReads[0]!.headers.authorization, `Bearer ${h.openai.apiKey}`);
    assert.match(h.graphReads()[0]!.path, new RegExp(`^/v23\\.0/${h.graph.phoneNumberId}$`));

    h.advance(DEEP_CACHE_MS - 1_000);
    const again = await Promise.all([h.get(), h.get(), h.get()]);
    assert.deepEqual(again.map((r) => r.body.checks.deep.age_seconds), [29, 29, 29]);
    assert.equal(h.openai.modelReads.length, 1, "OpenAI saw one request within 30 s");
    assert.equal(h.graphReads().length, 1, "and so did the Graph API");

    h.advance(1_000);
    assert.equal((await h.get()).body.checks.deep.age_seconds, 0, "a result 30 s old is checked again");
    assert.equal(h.openai.modelReads.length, 2);
    assert.equal(h.graphReads().length, 2);
    for (const r of [first, ...again]) {
      for (const secret of [h.openai.apiKey, h.graph.accessToken, METRICS_TOKEN, h.graph.phoneNumberId]) {
        assert.ok(!r.text.includes(secret), "no secret and no number in the answer");
      }
    }
  } finally {
    await h.close();
  }
});

dbTest("after a rotation to a wrong OpenAI key, deep health says the OpenAI check failed", async () => {
  const h = await deepHealth({ OPENAI_API_KEY: "sk-rotated-in-but-wrong-0000" });
  try {
    const { status, body, text } = await h.get();
    assert.equal(status, 200, "a degradation: the menu mode still answers");
    assert.equal(body.status, "degraded");
    assert.deepEqual(
      { ...body.checks.deep.openai, latency_ms: undefined },
      { ok: false, error: "auth", http_status: 401, latency_ms: undefined },
    );
    assert.equal(body.checks.deep.whatsapp.ok, true);
    assert.ok(!text.includes("sk-rotated-in-but-wrong-0000"), "the key is not in the answer");
  } finally {
    await h.close();
  }
});

dbTest(
  "deep health names a model the key cannot read, a refused token and a wrong phone number id",
  async () => {
    const model = await deepHealth({ OPENAI_MODEL: "gpt-typo" }, { models: ["gpt-5-mini"] });
    try {
      const { body } = await model.get();
      assert.equal(body.checks.deep.openai.error, "model_not_found");
      assert.equal(body.checks.deep.openai.http_status, 404);
    } finally {
      await model.close();
    }
    const token = await deepHealth({ WHATSAPP_ACCESS_TOKEN: "EAAG-revoked-token-000" });
    try {
      const { body, text } = await token.get();
      assert.equal(body.status, "degraded");
      assert.deepEqual(
        [body.checks.deep.whatsapp.ok, body.checks.deep.whatsapp.error, body.checks.deep.whatsapp.code],
        [false, "auth", 190],
      );
      assert.ok(!text.includes("EAAG-revoked-token-000"));
    } finally {
      await token.close();
    }
    const id = await deepHealth({ WHATSAPP_PHONE_NUMBER_ID: "999999999999999" });
    try {
      const { body } = await id.get();
      assert.deepEqual([body.checks.deep.whatsapp.error, body.checks.deep.whatsapp.code], [
        "phone_number_not_readable",
        100,
      ]);
    } finally {
      await id.close();
    }
  },
);
