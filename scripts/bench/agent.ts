/**
 * Agent overhead per turn: everything except the model, over real Postgres. A stored inbound message
 * (intake untimed) is processed as the webhook does after its response: claim, transcript, a model
 * with zero latency that asks for two tool calls (lookup_customer, list_vouchers) and then answers,
 * the audited tool calls, the reply in the outbox, the claim released. No Graph API client (nothing
 * sent). Baseline: the two tools' SQL functions called directly over the same pool.
 */
import postgres from "postgres";
import type {
  Model,
  ModelRequest,
  ModelResponse,
  OutputItem,
} from "../../supabase/functions/_shared/agent/mod.ts";
import {
  createProcessor,
  ingestBatch,
  readWebhookBody,
} from "../../supabase/functions/_shared/whatsapp/mod.ts";
import { textMessage, webhookPayload } from "../../supabase/functions/_testing/meta.ts";
import { benchDeps } from "./deps.ts";
import { benchMsisdn } from "./seed.ts";
import { percentile } from "../lib/stats.ts";
import { interleaved } from "./stats.ts";

export interface AgentResult {
  turns: number;
  toolCalls: number;
  p50: number;
  p95: number;
  baseP50: number;
  baseP95: number;
}

/** Two tool calls for the person writing, then a text answer; no time spent. */
export const zeroLatencyModel: Model = {
  respond(request: ModelRequest): Promise<ModelResponse> {
    const answered = request.input.some((i) => i.type === "function_call_output");
    const output: OutputItem[] = answered
      ? [{ type: "message", text: "You have three vouchers ready to use." }]
      : [
        { type: "function_call", call_id: "call_1", name: "lookup_customer", arguments: '{"msisdn":null}' },
        {
          type: "function_call",
          call_id: "call_2",
          name: "list_vouchers",
          arguments: '{"msisdn":null,"status":null}',
        },
      ];
    return Promise.resolve({
      model: "bench-zero-latency",
      output,
      usage: { inputTokens: 0, outputTokens: 0 },
      latencyMs: 0,
      attempts: 1,
    });
  },
};

/** `turns` turns, each by a different customer (first..first+turns-1), so no sender budget applies. */
export async function benchAgent(dbUrl: string, first: number, turns: number): Promise<AgentResult> {
  const { deps, settle } = benchDeps(dbUrl, {
    AI_RESPONSES_ENABLED: "true",
    WHATSAPP_INTEGRATION_ENABLED: "true",
  });
  const { db, log } = deps;
  const processor = createProcessor(deps, { model: zeroLatencyModel, graph: null });
  const store = async (i: number) => {
    const waId = benchMsisdn(first + i).slice(1);
    const body = new TextEncoder().encode(JSON.stringify(
      webhookPayload({
        messages: [textMessage({ from: waId, body: "Mfite vouchers zingahe?", timestamp: new Date() })],
      }),
    ));
    const read = readWebhookBody(body, undefined);
    return (await ingestBatch(db, read.batch!, log)).conversation_ids;
  };
  try {
    const before = await toolCalls(dbUrl);
    let next = 0;
    let pending = await store(next++);
    const t = await interleaved(
      turns,
      () => processor.answer(pending),
      async (i) => {
        const msisdn = benchMsisdn(first + i);
        await db.rpc("lookup_customer", { p_msisdn: msisdn, p_recent_limit: 5 });
        await db.rpc("list_vouchers", { p_msisdn: msisdn, p_limit: 20 });
      },
      async () => {
        await settle();
        pending = await store(next++);
      },
    );
    return {
      turns,
      toolCalls: (await toolCalls(dbUrl)) - before,
      p50: percentile(t.work, 0.5),
      p95: percentile(t.work, 0.95),
      baseP50: percentile(t.base, 0.5),
      baseP95: percentile(t.base, 0.95),
    };
  } finally {
    await db.close();
  }
}

/** How many tool calls are audited: the check that each turn made its two. */
async function toolCalls(dbUrl: string): Promise<number> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select count(*)::int as n from public.tool_calls`;
    return row!.n as number;
  } finally {
    await sql.end();
  }
}
