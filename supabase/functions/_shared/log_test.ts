import assert from "node:assert/strict";
import { createLogger, type LogLevel, scrub } from "./log.ts";

const FIXED = new Date("2026-01-02T03:04:05.678Z");
const FULL = "+250788123456";

/** A logger writing into an array, with a fixed clock; `records()` parses every line. */
function capture(level?: LogLevel) {
  const lines: string[] = [];
  const log = createLogger({
    sink: (line) => lines.push(line),
    now: () => FIXED,
    ...(level ? { level } : {}),
  });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, records };
}

Deno.test("createLogger() writes one JSON object per line with ts, level, event and msg", () => {
  const { log, lines, records } = capture();
  log.info("whatsapp", "message received");
  log.warn("tool_call", "slow tool", { duration_ms: 812 });
  assert.equal(lines.length, 2);
  for (const line of lines) assert.ok(!line.includes("\n"), "a line must not span several lines");
  assert.deepEqual(records(), [
    { ts: "2026-01-02T03:04:05.678Z", level: "info", event: "whatsapp", msg: "message received" },
    { ts: "2026-01-02T03:04:05.678Z", level: "warn", event: "tool_call", msg: "slow tool", duration_ms: 812 },
  ]);
});

Deno.test("createLogger() defaults to level info: debug lines are dropped, info and above kept", () => {
  const { log, records } = capture();
  log.debug("x", "d");
  log.info("x", "i");
  log.warn("x", "w");
  log.error("x", "e");
  assert.deepEqual(records().map((r) => r.level), ["info", "warn", "error"]);
});

Deno.test("createLogger() at level warn drops info and debug lines and keeps warn and error", () => {
  const { log, records } = capture("warn");
  log.debug("x", "d");
  log.info("x", "i");
  log.warn("x", "w");
  log.error("x", "e");
  assert.deepEqual(records().map((r) => r.msg), ["w", "e"]);
});

Deno.test("createLogger() at level debug keeps debug lines", () => {
  const { log, records } = capture("debug");
  log.debug("x", "d");
  assert.deepEqual(records().map((r) => r.level), ["debug"]);
});

Deno.test("child() adds its fields to every line, keeps the parent's level, and leaves the parent alone", () => {
  const { log, records } = capture("warn");
  const child = log.child({ function: "tool-lookup-customer", request_id: "req-1" });
  const grandchild = child.child({ attempt: 2 });
  child.info("http", "dropped by level");
  child.warn("http", "from child", { status: 503 });
  grandchild.error("http", "from grandchild");
  log.error("http", "from parent");
  assert.deepEqual(records().map(({ ts: _ts, ...rest }) => rest), [
    {
      level: "warn",
      event: "http",
      msg: "from child",
      function: "tool-lookup-customer",
      request_id: "req-1",
      status: 503,
    },
    {
      level: "error",
      event: "http",
      msg: "from grandchild",
      function: "tool-lookup-customer",
      request_id: "req-1",
      attempt: 2,
    },
    { level: "error", event: "http", msg: "from parent" },
  ]);
});

Deno.test("createLogger() masks phone numbers in fields named msisdn, from and wa_id", () => {
  const { log, records } = capture();
  log.info("whatsapp", "in", { msisdn: FULL, from: "250788123456", wa_id: "250788123456" });
  const [record] = records();
  assert.equal(record?.msisdn, "+250*****3456");
  assert.equal(record?.from, "250*****3456");
  assert.equal(record?.wa_id, "250*****3456");
});

Deno.test("child() masks a phone number given in its fields", () => {
  const { log, records } = capture();
  log.child({ msisdn: FULL }).info("x", "y");
  assert.equal(records()[0]?.msisdn, "+250*****3456");
});

Deno.test("createLogger() masks phone numbers inside the msg text, with or without +", () => {
  const { log, records } = capture();
  log.info("whatsapp", `Reply to ${FULL} sent; customer 0788123456 (again: 250788123456).`);
  assert.equal(
    records()[0]?.msg,
    "Reply to +250*****3456 sent; customer *****3456 (again: 250*****3456).",
  );
});

Deno.test("createLogger() leaves digits inside ids and short numbers in msg text alone", () => {
  const { log, records } = capture();
  log.info("x", "order ord_123456789012 costs 5000 RWF, uuid 1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  assert.equal(
    records()[0]?.msg,
    "order ord_123456789012 costs 5000 RWF, uuid 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
  );
});

Deno.test("createLogger() masks phone numbers in strings of nested objects and arrays", () => {
  const { log, records } = capture();
  log.info("tool_call", "done", {
    result: { customer: { msisdn: FULL, note: `call ${FULL}` }, recent: [{ to: FULL }, `sms ${FULL}`] },
  });
  assert.deepEqual(records()[0]?.result, {
    customer: { msisdn: "+250*****3456", note: "call +250*****3456" },
    recent: [{ to: "+250*****3456" }, "sms +250*****3456"],
  });
});

Deno.test("createLogger() redacts authorization, api_key, apikey, token and secret fields", () => {
  const { log, lines, records } = capture();
  log.info("http", "headers", {
    authorization: "Bearer sk-live-abcdef",
    api_key: "key-123",
    apikey: "key-456",
    token: "tok-789",
    WHATSAPP_APP_SECRET: "s3cr3t",
    nested: { access_token: "tok-nested" },
  });
  assert.deepEqual(records()[0], {
    ts: "2026-01-02T03:04:05.678Z",
    level: "info",
    event: "http",
    msg: "headers",
    authorization: "[redacted]",
    api_key: "[redacted]",
    apikey: "[redacted]",
    token: "[redacted]",
    WHATSAPP_APP_SECRET: "[redacted]",
    nested: { access_token: "[redacted]" },
  });
  for (const value of ["sk-live-abcdef", "key-123", "key-456", "tok-789", "s3cr3t", "tok-nested"]) {
    assert.ok(!lines[0]?.includes(value), `${value} leaked`);
  }
});

Deno.test("createLogger() replaces body and text fields by their length, and non-strings by [omitted]", () => {
  const { log, lines, records } = capture();
  log.info("whatsapp", "in", { body: "Nshaka voucher ya 5000", text: "hello", content: { parts: ["x"] } });
  const [record] = records();
  assert.equal(record?.body, "[22 chars]");
  assert.equal(record?.text, "[5 chars]");
  assert.equal(record?.content, "[omitted]");
  assert.ok(!lines[0]?.includes("Nshaka"));
});

Deno.test("createLogger() turns an Error into {name, message}, masking numbers in the message", () => {
  const { log, records } = capture();
  const err = new TypeError(`cannot reach ${FULL}`);
  log.error("http", "failed", { error: err });
  assert.deepEqual(records()[0]?.error, { name: "TypeError", message: "cannot reach +250*****3456" });
});

Deno.test("createLogger() keeps an Error's code next to its name and message", () => {
  const { log, records } = capture();
  const err = Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" });
  log.error("db", "failed", { error: err });
  assert.deepEqual(records()[0]?.error, {
    name: "Error",
    message: "connection refused",
    code: "ECONNREFUSED",
  });
});

Deno.test("createLogger() omits undefined fields", () => {
  const { log, lines } = capture();
  log.info("x", "y", { present: 1, absent: undefined });
  assert.equal(lines[0]?.includes("absent"), false);
  assert.equal(JSON.parse(lines[0]!).present, 1);
});

Deno.test("createLogger() never writes the full number +250788123456 anywhere in a line", () => {
  const { log, lines } = capture("debug");
  const child = log.child({ wa_id: "250788123456", function: "whatsapp-webhook" });
  child.debug("whatsapp", `from ${FULL}`, { msisdn: FULL, phone: "0788123456" });
  child.info("tool_call", "lookup", { args: { p_msisdn: FULL }, list: [FULL, { recipient: FULL }] });
  child.error("http", `ERROR for ${FULL}`, { error: new Error(`customer ${FULL} not found`) });
  assert.equal(lines.length, 3);
  for (const line of lines) {
    assert.ok(!line.includes("788123456"), `full number leaked in ${line}`);
    assert.ok(line.includes("3456"), "the masked tail should still be there");
  }
});

Deno.test("scrub() masks, redacts and drops without touching harmless fields", () => {
  assert.deepEqual(
    scrub({ msisdn: FULL, api_key: "k", body: "abc", status: 200, ok: true, none: null }),
    { msisdn: "+250*****3456", api_key: "[redacted]", body: "[3 chars]", status: 200, ok: true, none: null },
  );
});

Deno.test("createLogger() masks numbers typed with spaces or dashes inside the msg text", () => {
  const { log, records } = capture();
  log.info("whatsapp", "call +250 788 123 456 or 0788-123-456");
  const msg = String(records()[0]?.msg);
  assert.equal(msg, "call +250*****3456 or *****3456");
});

Deno.test("createLogger() masks a phone number given as a number", () => {
  const { log, lines } = capture();
  log.info("x", "y", { msisdn: 250788123456, wa_id: 250788123456 });
  assert.ok(!lines[0]!.includes("788123456"), lines[0]);
});

Deno.test("createLogger() never writes a webhook payload's number or text, however deep", () => {
  const { log, lines } = capture();
  log.info("whatsapp", "payload", {
    payload: {
      entry: [{
        changes: [{ value: { messages: [{ from: "250788123456", text: { body: "secret text" } }] } }],
      }],
    },
  });
  assert.ok(!lines[0]!.includes("788123456"), lines[0]);
  assert.ok(!lines[0]!.includes("secret text"), lines[0]);
});

Deno.test("createLogger() keeps ts, level, event and msg even when fields name them", () => {
  const { log, records } = capture();
  log.info("e", "m", { level: "debug", msg: "replaced", ts: "x", event: "other" });
  assert.deepEqual(records()[0], { ts: "2026-01-02T03:04:05.678Z", level: "info", event: "e", msg: "m" });
});

Deno.test("createLogger() keeps token counts but redacts tokens", () => {
  const { log, records } = capture();
  log.info("openai_latency", "done", { total_tokens: 42, tokens_in: 10, access_token: "EAAG-x", token: "t" });
  assert.deepEqual(
    [records()[0]?.total_tokens, records()[0]?.tokens_in, records()[0]?.access_token, records()[0]?.token],
    [42, 10, "[redacted]", "[redacted]"],
  );
});
