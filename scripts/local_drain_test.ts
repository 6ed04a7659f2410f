import assert from "node:assert/strict";
import { parseWebhook } from "../supabase/functions/_shared/whatsapp/payload.ts";
import { verifySignature } from "../supabase/functions/_shared/whatsapp/signature.ts";
import { DRAIN_BODY, type DrainOptions, startDrain } from "./local_drain.ts";

const SECRET = "app-secret-aaaaaaaaaaaaaaaa";
const URL_ = "http://127.0.0.1:54321/functions/v1/whatsapp-webhook";

/** A drain whose ticks the test fires by hand; `answer` decides what each request gets. */
function drain(answer: (req: Request) => Promise<Response>, options: Partial<DrainOptions> = {}) {
  const requests: Request[] = [];
  const logged: string[] = [];
  const timer: { ms?: number; tick?: () => void; cancelled: boolean } = { cancelled: false };
  const d = startDrain({
    url: URL_,
    secret: SECRET,
    send: (req) => {
      requests.push(req);
      return answer(req);
    },
    log: (line) => logged.push(line),
    every: (ms, tick) => {
      Object.assign(timer, { ms, tick });
      return () => void (timer.cancelled = true);
    },
    ...options,
  });
  return { d, requests, logged, timer };
}

Deno.test("the drain posts an empty webhook, signed with the app secret, every 15 seconds", async () => {
  const { d, requests, timer } = drain(() => Promise.resolve(Response.json({ ok: true, stored: 0 })));
  assert.equal(timer.ms, 15_000);
  timer.tick!();
  await d.tick();
  assert.equal(requests.length, 1, "a tick under way is not started twice");
  const [req] = requests;
  assert.equal(req!.method, "POST");
  assert.equal(req!.url, URL_);
  const body = new Uint8Array(await req!.arrayBuffer());
  assert.equal(new TextDecoder().decode(body), DRAIN_BODY);
  assert.equal(await verifySignature(body, req!.headers.get("x-hub-signature-256"), [SECRET]), true);
  assert.deepEqual(parseWebhook(JSON.parse(DRAIN_BODY)), {
    messages: [],
    statuses: [],
    errors: [],
    otherFields: [],
  });
  await d.stop();
});

Deno.test("the drain logs a failure once until it works again, and never throws", async () => {
  const answers = [
    () => Promise.reject(new TypeError("error sending request: Connection refused")),
    () => Promise.reject(new TypeError("error sending request: Connection refused")),
    () => Promise.resolve(Response.json({ error: "misconfigured" }, { status: 500 })),
    () => Promise.resolve(Response.json({ ok: true })),
    () => Promise.resolve(Response.json({ ok: true })),
  ];
  const { d, logged } = drain(() => answers.shift()!());
  for (let i = 0; i < 5; i++) await d.tick();
  assert.deepEqual(logged, [
    "gateway: local drain failed: error sending request: Connection refused",
    'gateway: local drain failed: HTTP 500 {"error":"misconfigured"}',
    "gateway: local drain works again",
  ]);
  await d.stop();
});

Deno.test("stop() cancels the timer, waits for the drain under way and starts no other", async () => {
  const answered = Promise.withResolvers<Response>();
  const { d, requests, timer } = drain(() => answered.promise);
  const first = d.tick();
  let stopped = false;
  const stopping = d.stop().then(() => stopped = true);
  assert.equal(timer.cancelled, true);
  await Promise.resolve();
  assert.equal(stopped, false, "stop waits for the request under way");
  answered.resolve(Response.json({ ok: true }));
  await stopping;
  await first;
  await d.tick();
  assert.equal(requests.length, 1);
});
