/** "What each row measures" of BENCHMARKS.md: one entry per measure that ran. */
import type { Measure, Run } from "./report.ts";
import { MEMORY_FLAT_MIB_PER_10K } from "./targets.ts";

const NOTES: Record<Measure, (r: Run) => string> = {
  webhook: (r) =>
    `- **webhook ack**: autocannon (npm \`autocannon\`, run in the suite's Deno process) offers signed WhatsApp
  text-message POSTs at a fixed rate for ${r.seconds} s to the production entry
  \`supabase/functions/whatsapp-webhook/index.ts\` served by \`Deno.serve\` in its own process: signature,
  the raw body stored and the message ingested in one call and one transaction (\`whatsapp_receive\`), then
  the 200; the request_log row is written after the response, batched with the others in flight.
  \`WHATSAPP_INTEGRATION_ENABLED=false\`, so no reply is worked out after the response (that is the agent
  row). Baseline: a bare \`Deno.serve\` in its own process doing one INSERT of the body into the same table
  (\`webhook_payloads\`) over a postgres.js pool of the same size (3). Latency is autocannon's per-response
  time; errors are connection errors, timeouts and non-2xx answers over requests sent. autocannon does not
  correct for coordinated omission: at a rate a server cannot keep up with, the offered rate is not reached
  (compare "req" with rate × ${r.seconds}).${
      r.before
        ? ` "webhook ack before (${r.before})": the same load on the webhook as it was at that revision
  (\`--before\`), served from a worktree of it, on a database of the same cluster built by its own
  migrations, interleaved with the others at each rate; its ratio is now ÷ before.`
        : ""
    }`,
  outage: (r) =>
    `- **webhook ack across Postgres stopped** (scripts/bench/outage.ts): the production entry in its own
  process, its integration on (the fake OpenAI answering at once, the fake Graph API failing 10% of sends),
  takes ${r.outage[0]?.rate ?? 100} signed messages a second for ${
      r.outage[0] ? r.outage[0].messages / r.outage[0].rate : 12
    } s from many
  senders, 15% delivered twice, each POST retried until a 200 as Meta does, while Postgres is stopped
  (\`pg_ctl stop -m fast\`) for ${
      (r.outage[0]?.downMs ?? 4000) / 1000
    } s a third of the way in and started again. p99 is over every answer
  (503s included) to requests started from the stop to 2 s after the start. Then it drains (requeue and
  the drain path, the clock moved past requeue's 2 minutes) with no status webhooks, so a reply whose
  send went unrecorded would be sent again: "errors" counts the replies the Graph API accepted twice.`,
  lookup: (r) =>
    `- **tool-lookup-customer**: the production handler called in-process (auth, body, msisdn, the SQL
  function, the JSON answer) ${r.runs} times with random existing customers, interleaved with the same SQL
  function (\`lookup_customer\`) called directly over the same pool. The request_log write runs after
  the response and is not timed.`,
  agent: () =>
    `- **agent turn**: at each customer count, a stored inbound message processed as the webhook does after
  its response (claim, transcript, the agent loop, the audited tool calls, the reply to the outbox, the
  claim released) with an in-process model of zero latency that asks for \`lookup_customer\` and
  \`list_vouchers\`, then answers; each turn by a customer who has not written before (no per-minute budget
  applies). No Graph API client, so nothing is sent. "errors" counts the audited tool calls (two per turn
  expected). Baseline: the two tools' SQL functions called directly over the same pool.`,
  mcp: (r) =>
    `- **voucher-mcp** (scripts/bench/mcp.ts): at each customer count, a tool called as OpenAI calls it
  during a voice call: the MCP SDK's \`Client\` over its \`StreamableHTTPClientTransport\`, a fresh per-call
  token in \`Authorization\` and \`?call_id=\` on the server URL, by a random existing customer about
  their own record, ${r.mcp[0]?.runs ?? r.runs} times per tool, each in a call of its own (the client's
  \`initialize\` is not timed; the \`tools/call\` POST is). The production handler
  (\`supabase/functions/voucher-mcp/index.ts\`) is called in-process through the transport's \`fetch\`: the
  token checked, a fresh stateless MCP server, the tool's validation and scope, the SQL function, the
  audited tool_calls row, the JSON-RPC answer. "errors" counts tool results that were errors; "audited"
  the tool_calls rows of those calls (one each expected). Baseline, interleaved: the same SQL function
  (\`lookup_customer\`, \`list_vouchers\`) called directly over the same pool; overhead is p50 − p50.`,
  call: (r) =>
    `- **voice-call answer** (scripts/bench/call.ts): ${r.call[0]?.runs ?? r.runs} signed
  \`realtime.call.incoming\` deliveries (Standard Webhooks, signed before the clock starts), each from a
  random existing customer's number, to the production handler
  (\`supabase/functions/voice-call/index.ts\`) called in-process, from the request to the 200: the
  signature checked by the openai SDK's \`webhooks.unwrap\`, the decision in SQL (\`voice_call_offer\`,
  \`AI_REALTIME_ENABLED\` on, \`voice_max_concurrent_calls\` at its most, 10,000, so every call is accepted),
  the per-call token, the accept body, and the accept POSTed through the openai SDK to the fake OpenAI's
  call control (\`supabase/functions/_testing/openai_calls.ts\`, loopback HTTP, answering at once), then
  the answer recorded. "errors" counts answers other than 200 and calls the fake did not see accepted.
  Baseline, interleaved: whatsapp-webhook's time to answer a signed text message from a customer (the
  signature, the body stored and ingested in one call, the 200; \`WHATSAPP_INTEGRATION_ENABLED=false\`), its
  production handler called in-process on the same database. The request_log writes after each response
  are not timed.`,
  e2e: (r) =>
    `- **end to end**: ${r.e2e[0]?.senders ?? 50} conversations at once, each a distinct customer who sends
  its next signed message only when the reply to the previous one has reached the Graph API sink, for
  ${r.seconds} s after a warm-up; latency is from the start of the POST to the sink receiving that sender's
  reply, throughput is replies a second. The webhook is the production entry in its own process
  (\`serve.ts webhook\`, \`WHATSAPP_INTEGRATION_ENABLED=true\`, \`AI_RESPONSES_ENABLED=true\`) with
  \`OPENAI_BASE_URL\` at the loopback fake OpenAI of \`supabase/functions/_testing/openai_fake.ts\` answering
  at once (two tool calls, then the reply) and \`WHATSAPP_GRAPH_URL\` at the loopback fake Graph API of
  \`supabase/functions/_testing/graph_fake.ts\`, both in the suite's process: intake, the 200, then the
  turn (claim, transcript, two model calls over HTTP, the audited tools, the outbox) and the send.
  \`whatsapp_rate_limit_per_minute\` is raised in this database so that no message is throttled. Errors:
  non-2xx answers and replies not at the sink within 10 s. Baseline (relay): a bare \`Deno.serve\` in its
  own process that stores the body (one INSERT, as the ack baseline), answers 200, then POSTs the same
  reply to the same sink.`,
  metrics: (r) =>
    `- **metrics and health**: in a database of their own, messages (100 per conversation, half inbound
  answered, half outbound delivered, over 90 days) and request_log rows (four functions, over the 30 days
  kept) seeded by one INSERT ... SELECT generate_series each, then VACUUM ANALYZE and
  \`roll_metric_totals()\` as autovacuum and the 5-minute pg_cron job would have done; request_log grows to
  each size in turn. The production handlers are called in-process, ${r.metricsRuns} times each with the
  metrics token, interleaved with the baseline: \`metrics?window=24h\` (JSON over the largest window),
  \`metrics?format=prometheus\` (the cumulative counters, the backlog, the pool) and \`health\` (its
  database check, alarms, operator activity, handoffs, backlog; not deep). The request_log write after
  each response is not timed. Baseline: \`health_check()\` (one \`select jsonb_build_object(...)\`, the
  lightest SQL function, what health's database check calls) over the same pool: a round trip.`,
  memory: (r) =>
    `- **memory**: the resident set (VmRSS from \`/proc/<pid>/status\`, sampled every second) of a server
  process across ${(r.memory[0]?.requests ?? 0).toLocaleString("en")} signed webhook POSTs offered by
  autocannon at ${r.memoryRate}/s (\`amount\`), after a 3 s warm-up at 100/s, each server in a fresh
  process: the webhook as in the ack row (\`WHATSAPP_INTEGRATION_ENABLED=false\`, acknowledgement only), and
  before it the ack row's baseline under the same load. RSS growth is the least-squares slope of RSS
  over answered requests in the second half; it follows V8's heap sizing, which moves by tens of MiB
  under load. The judged figure is the heap after a full collection (\`gc()\`: the servers run with
  \`--expose-gc\`, and \`scripts/bench/serve.ts\` answers \`/__heap\` with \`Deno.memoryUsage()\` after one)
  at 25, 50, 75 and 100% of the requests: what stays reachable, where a leak shows. Flat means it grows
  at most ${MEMORY_FLAT_MIB_PER_10K} MiB per 10k requests from 25% to 100%.`,
};

export function describe(r: Run): string[] {
  return r.measures.map((m) => NOTES[m](r));
}
