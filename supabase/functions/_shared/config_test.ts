import assert from "node:assert/strict";
import {
  ConfigError,
  DEFAULT_GRAPH_URL,
  DEFAULT_OPENAI_MODEL,
  loadConfig,
  type RequiredVar,
} from "./config.ts";

const DB_URL = "postgresql://postgres:pg-password-123@127.0.0.1:54322/postgres";
const KEY_A = "tool-key-aaaaaaaaaaaaaaaa";
const KEY_B = "tool-key-bbbbbbbbbbbbbbbb";

/** Asserts loadConfig throws a ConfigError and returns it. */
function configError(env: Record<string, string | undefined>, required: RequiredVar[] = []): ConfigError {
  try {
    loadConfig(env, required);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.name, "ConfigError");
    assert.equal(err.message, `Invalid configuration: ${err.problems.join("; ")}`);
    return err;
  }
  assert.fail("loadConfig did not throw");
}

/** Asserts the error names `variable` in a problem matching `why`, in both problems and message. */
function assertProblem(err: ConfigError, variable: string, why: RegExp) {
  const problem = err.problems.find((p) => p.startsWith(variable));
  assert.ok(problem, `no problem names ${variable}: ${JSON.stringify(err.problems)}`);
  assert.match(problem, why);
  assert.ok(err.message.includes(problem));
}

Deno.test("loadConfig() with nothing set names SUPABASE_DB_URL as missing", () => {
  const err = configError({});
  assert.deepEqual(err.problems, ["SUPABASE_DB_URL is missing (or set DB_TRANSPORT=rest with SUPABASE_URL)"]);
  assert.match(err.message, /SUPABASE_DB_URL is missing/);
});

Deno.test("loadConfig() names TOOL_API_KEYS as missing when a function requires it", () => {
  const err = configError({ SUPABASE_DB_URL: DB_URL }, ["TOOL_API_KEYS"]);
  assert.deepEqual(err.problems, ["TOOL_API_KEYS is missing"]);
});

Deno.test("loadConfig() names every required variable and the database together", () => {
  const err = configError({}, ["TOOL_API_KEYS", "METRICS_TOKEN"]);
  assert.equal(err.problems.length, 3);
  assertProblem(err, "TOOL_API_KEYS", /is missing/);
  assertProblem(err, "METRICS_TOKEN", /is missing/);
  assertProblem(err, "SUPABASE_DB_URL", /is missing/);
});

Deno.test("loadConfig() reports a too-short METRICS_TOKEN without including its value", () => {
  const err = configError({ SUPABASE_DB_URL: DB_URL, METRICS_TOKEN: "tiny-secret" });
  assertProblem(err, "METRICS_TOKEN", /at least 16 characters/);
  assert.ok(!err.message.includes("tiny-secret"));
  assert.ok(!JSON.stringify(err.problems).includes("tiny-secret"));
});

Deno.test("loadConfig() takes two METRICS_TOKEN values at once, for a rotation without downtime", () => {
  const config = loadConfig({ SUPABASE_DB_URL: DB_URL, METRICS_TOKEN: `${KEY_A}, ${KEY_B}` });
  assert.deepEqual(config.metricsTokens, [KEY_A, KEY_B]);
});

Deno.test("loadConfig() reports a too-short key inside TOOL_API_KEYS without including any key", () => {
  const err = configError({ SUPABASE_DB_URL: DB_URL, TOOL_API_KEYS: `${KEY_A},short-key` });
  assertProblem(err, "TOOL_API_KEYS", /at least 16 characters/);
  assert.ok(!err.message.includes("short-key"));
  assert.ok(!err.message.includes(KEY_A));
});

Deno.test("loadConfig() reports DB_TRANSPORT=foo as 'must be sql or rest'", () => {
  assertProblem(
    configError({ SUPABASE_DB_URL: DB_URL, DB_TRANSPORT: "foo" }),
    "DB_TRANSPORT",
    /must be sql or rest/,
  );
});

Deno.test("loadConfig() reports LOG_LEVEL=loud with the allowed levels", () => {
  assertProblem(
    configError({ SUPABASE_DB_URL: DB_URL, LOG_LEVEL: "loud" }),
    "LOG_LEVEL",
    /must be debug, info, warn or error/,
  );
});

Deno.test("loadConfig() reports AI_RESPONSES_ENABLED=maybe as 'must be true or false'", () => {
  assertProblem(
    configError({ SUPABASE_DB_URL: DB_URL, AI_RESPONSES_ENABLED: "maybe" }),
    "AI_RESPONSES_ENABLED",
    /must be true or false/,
  );
});

Deno.test("loadConfig() reports WHATSAPP_GRAPH_URL=ftp://x as not an http(s) URL", () => {
  assertProblem(
    configError({ SUPABASE_DB_URL: DB_URL, WHATSAPP_GRAPH_URL: "ftp://x" }),
    "WHATSAPP_GRAPH_URL",
    /http\(s\) URL/,
  );
});

Deno.test("loadConfig() reports a non-postgres SUPABASE_DB_URL without echoing its password", () => {
  const err = configError({ SUPABASE_DB_URL: "mysql://root:hunter2-password@db/app" });
  assertProblem(err, "SUPABASE_DB_URL", /postgres:\/\/ URL/);
  assert.ok(!err.message.includes("hunter2-password"));
});

Deno.test("loadConfig() reports several malformed variables at once", () => {
  const err = configError({
    SUPABASE_DB_URL: DB_URL,
    DB_TRANSPORT: "foo",
    LOG_LEVEL: "loud",
    METRICS_TOKEN: "x",
  });
  assert.equal(err.problems.length, 3);
  assertProblem(err, "DB_TRANSPORT", /sql or rest/);
  assertProblem(err, "LOG_LEVEL", /debug, info/);
  assertProblem(err, "METRICS_TOKEN", /16 characters/);
});

Deno.test("loadConfig() splits and trims TOOL_API_KEYS, dropping empty entries", () => {
  const config = loadConfig({ SUPABASE_DB_URL: DB_URL, TOOL_API_KEYS: ` ${KEY_A} , ${KEY_B},` }, [
    "TOOL_API_KEYS",
  ]);
  assert.deepEqual(config.toolApiKeys, [KEY_A, KEY_B]);
});

Deno.test("loadConfig() treats empty and blank strings as unset", () => {
  const config = loadConfig({
    SUPABASE_DB_URL: DB_URL,
    METRICS_TOKEN: "",
    LOG_LEVEL: "  ",
    WHATSAPP_GRAPH_URL: "",
    AI_RESPONSES_ENABLED: "",
    DB_TRANSPORT: "",
  });
  assert.equal(config.metricsTokens, undefined);
  assert.equal(config.logLevel, "info");
  assert.equal(config.whatsapp.graphUrl, DEFAULT_GRAPH_URL);
  assert.deepEqual(config.flagOverrides, {});
  assert.deepEqual(config.db, { transport: "sql", url: DB_URL });
  const err = configError({ SUPABASE_DB_URL: DB_URL, TOOL_API_KEYS: "" }, ["TOOL_API_KEYS"]);
  assert.deepEqual(err.problems, ["TOOL_API_KEYS is missing"]);
});

Deno.test("loadConfig() turns flag values true/false/1/0 into flagOverrides and leaves unset flags out", () => {
  const config = loadConfig({
    SUPABASE_DB_URL: DB_URL,
    AI_RESPONSES_ENABLED: "false",
    AI_REALTIME_ENABLED: "true",
    VOUCHER_CREATION_ENABLED: "0",
    VOUCHER_REDEMPTION_ENABLED: "1",
  });
  assert.deepEqual(config.flagOverrides, {
    AI_RESPONSES_ENABLED: false,
    AI_REALTIME_ENABLED: true,
    VOUCHER_CREATION_ENABLED: false,
    VOUCHER_REDEMPTION_ENABLED: true,
  });
});

Deno.test("loadConfig() fills defaults: graph URL, OpenAI model, log level info, sql transport", () => {
  const config = loadConfig({ SUPABASE_DB_URL: DB_URL });
  assert.equal(config.whatsapp.graphUrl, DEFAULT_GRAPH_URL);
  assert.equal(config.whatsapp.graphUrl, "https://graph.facebook.com/v23.0");
  assert.equal(config.openai.model, DEFAULT_OPENAI_MODEL);
  assert.equal(config.openai.model, "gpt-5-mini");
  assert.equal(config.logLevel, "info");
  assert.deepEqual(config.db, { transport: "sql", url: DB_URL });
  assert.equal(config.toolApiKeys, undefined);
});

Deno.test("loadConfig() maps every variable into the Config it returns", () => {
  const config = loadConfig({
    SUPABASE_DB_URL: DB_URL,
    LOG_LEVEL: "debug",
    TOOL_API_KEYS: KEY_A,
    METRICS_TOKEN: "metrics-token-0123456789",
    WHATSAPP_VERIFY_TOKEN: "verify-me",
    WHATSAPP_APP_SECRET: "app-secret-0123456789",
    WHATSAPP_ACCESS_TOKEN: "EAAG-token",
    WHATSAPP_PHONE_NUMBER_ID: "123456789012345",
    WHATSAPP_GRAPH_URL: "http://127.0.0.1:9000/graph/",
    WHATSAPP_DRAIN_SECRET: "drain-secret-0123456789",
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: "http://127.0.0.1:9001/v1/",
    OPENAI_MODEL: "gpt-test",
    TRANSCRIPTION_BASE_URL: "http://127.0.0.1:9002/v1/",
    TRANSCRIPTION_MODEL: "rw-conformer",
    VOICE_NOTE_MAX_SECONDS: "90",
    VOICE_NOTE_MAX_BYTES: "1000000",
    OPENAI_WEBHOOK_SECRET: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
    VOICE_CALL_TOKEN_SECRET: "call-token-old-0123456789, call-token-new-0123456789",
    VOUCHER_MCP_URL: "https://project.supabase.co/functions/v1/voucher-mcp/",
    UNRELATED_VARIABLE: "ignored",
  });
  assert.deepEqual(config, {
    db: { transport: "sql", url: DB_URL },
    logLevel: "debug",
    toolApiKeys: [KEY_A],
    metricsTokens: ["metrics-token-0123456789"],
    whatsapp: {
      verifyToken: "verify-me",
      appSecrets: ["app-secret-0123456789"],
      accessToken: "EAAG-token",
      phoneNumberId: "123456789012345",
      graphUrl: "http://127.0.0.1:9000/graph",
      drainSecret: "drain-secret-0123456789",
    },
    openai: { apiKey: "sk-test", baseUrl: "http://127.0.0.1:9001/v1", model: "gpt-test" },
    speech: {
      apiKey: "sk-test",
      baseUrl: "http://127.0.0.1:9002/v1",
      model: "rw-conformer",
      maxSeconds: 90,
      maxBytes: 1000000,
    },
    calls: {
      webhookSecret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
      tokenSecrets: ["call-token-old-0123456789", "call-token-new-0123456789"],
      mcpUrl: "https://project.supabase.co/functions/v1/voucher-mcp",
    },
    flagOverrides: {},
  });
});

Deno.test("loadConfig() transcribes through OPENAI_BASE_URL with gpt-4o-transcribe unless told otherwise", () => {
  const config = loadConfig({
    SUPABASE_DB_URL: DB_URL,
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: "http://x/v1",
  });
  assert.deepEqual(config.speech, {
    apiKey: "sk-test",
    baseUrl: "http://x/v1",
    model: "gpt-4o-transcribe",
    maxSeconds: 120,
    maxBytes: 16 * 1024 * 1024,
  });
});

Deno.test("loadConfig() with DB_TRANSPORT=rest requires SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY", () => {
  const err = configError({ DB_TRANSPORT: "rest", SUPABASE_DB_URL: DB_URL });
  assert.deepEqual(err.problems, [
    "SUPABASE_URL is missing (DB_TRANSPORT=rest)",
    "SUPABASE_SERVICE_ROLE_KEY is missing (DB_TRANSPORT=rest)",
  ]);
  const onlyKey = configError({ DB_TRANSPORT: "rest", SUPABASE_URL: "http://127.0.0.1:54321" });
  assert.deepEqual(onlyKey.problems, ["SUPABASE_SERVICE_ROLE_KEY is missing (DB_TRANSPORT=rest)"]);
});

Deno.test("loadConfig() with DB_TRANSPORT=rest builds a rest DbConfig with the trailing slash stripped", () => {
  const config = loadConfig({
    DB_TRANSPORT: "rest",
    SUPABASE_URL: "https://abcd.supabase.co/",
    SUPABASE_SERVICE_ROLE_KEY: "service-role-key",
    SUPABASE_DB_URL: DB_URL,
  });
  assert.deepEqual(config.db, {
    transport: "rest",
    url: "https://abcd.supabase.co",
    serviceRoleKey: "service-role-key",
  });
});

Deno.test("loadConfig() picks rest when only SUPABASE_URL is set and sql when SUPABASE_DB_URL is set", () => {
  const rest = loadConfig({ SUPABASE_URL: "http://127.0.0.1:54321", SUPABASE_SERVICE_ROLE_KEY: "k" });
  assert.equal(rest.db.transport, "rest");
  const sql = loadConfig({
    SUPABASE_URL: "http://127.0.0.1:54321",
    SUPABASE_SERVICE_ROLE_KEY: "k",
    SUPABASE_DB_URL: DB_URL,
  });
  assert.equal(sql.db.transport, "sql");
});

Deno.test("loadConfig() strips every trailing slash from WHATSAPP_GRAPH_URL", () => {
  const config = loadConfig({
    SUPABASE_DB_URL: DB_URL,
    WHATSAPP_GRAPH_URL: "https://graph.example.com/v23.0//",
  });
  assert.equal(config.whatsapp.graphUrl, "https://graph.example.com/v23.0");
});

Deno.test("loadConfig() names missing variables even when another one is malformed", () => {
  const err = configError({ METRICS_TOKEN: "short" }, ["TOOL_API_KEYS"]);
  assertProblem(err, "METRICS_TOKEN", /at least 16/);
  assertProblem(err, "TOOL_API_KEYS", /missing/);
  assertProblem(err, "SUPABASE_DB_URL", /missing/);
});

Deno.test("loadConfig() refuses an OpenAI webhook secret that is not a whsec_ secret", () => {
  assert.deepEqual(configError({ SUPABASE_DB_URL: DB_URL, OPENAI_WEBHOOK_SECRET: "secret" }).problems, [
    "OPENAI_WEBHOOK_SECRET must be a whsec_ secret",
  ]);
});

Deno.test("loadConfig() finds voucher-mcp under SUPABASE_URL unless VOUCHER_MCP_URL names it", () => {
  const config = loadConfig({ SUPABASE_DB_URL: DB_URL, SUPABASE_URL: "http://127.0.0.1:54321/" });
  assert.equal(config.calls.mcpUrl, "http://127.0.0.1:54321/functions/v1/voucher-mcp");
  assert.equal(loadConfig({ SUPABASE_DB_URL: DB_URL }).calls.mcpUrl, undefined);
});
