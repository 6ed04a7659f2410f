/** The agent's integration rig: the webhook with the fake OpenAI and Graph API, and people to talk as. */
import type postgres from "postgres";
import { type FakeOpenAI, startFakeOpenAI } from "../_testing/openai_fake.ts";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { insertCustomer, uniqueCode } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

export const text = (waId: string, body: string) =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: new Date() })] });

export interface Rig {
  w: Webhook;
  ai: FakeOpenAI;
  close(): Promise<void>;
}

export async function rig(env: Record<string, string> = {}): Promise<Rig> {
  const ai = await startFakeOpenAI();
  const w = await startWebhook({ OPENAI_API_KEY: ai.apiKey, OPENAI_BASE_URL: ai.url, ...env });
  return { w, ai, close: async () => void (await w.close(), await ai.close()) };
}

/** The outputs of every function call in a request, parsed. */
// deno-lint-ignore no-explicit-any
export function toolOutputs(body: any): any[] {
  // deno-lint-ignore no-explicit-any
  return body.input.filter((i: any) => i.type === "function_call_output").map((i: any) =>
    JSON.parse(i.output)
  );
}

export async function customer(
  sql: postgres.Sql,
  vouchers: { amount: number; status: "issued" | "redeemed" | "void" }[] = [],
) {
  const waId = uniqueWaId();
  const list = vouchers.map((v) => ({ ...v, code: uniqueCode() }));
  await insertCustomer(sql, `+${waId}`, `Test Customer ${waId}`, list);
  return { waId, msisdn: `+${waId}`, codes: list.map((v) => v.code) };
}

export async function operator(sql: postgres.Sql) {
  const waId = uniqueWaId();
  await sql`insert into public.operators (msisdn, name, active) values (${`+${waId}`}, 'Test Operator', true)`;
  return { waId, msisdn: `+${waId}` };
}
