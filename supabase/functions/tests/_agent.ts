/** The agent's integration rig: the webhook with the fake OpenAI and Graph API, and people to talk as. */
import type postgres from "postgres";
import { type FakeOpenAI, startFakeOpenAI } from "../_testing/openai_fake.ts";
import { mediaMessage, textMessage, webhookPayload } from "../_testing/meta.ts";
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

/** The bytes of every voice note the rig serves: an OGG header and padding. */
export const OGG = new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...new Array(2000).fill(7)]);
let notes = 0;

/** A voice note from `waId` whose audio the rig's fake Graph API serves (`fileSize` overrides the stated size). */
export function voiceNote(r: Rig, waId: string, fileSize?: number) {
  const mediaId = `${Date.now()}${++notes}`;
  r.w.graph.media.add(mediaId, { bytes: OGG, mimeType: "audio/ogg; codecs=opus", fileSize });
  const payload = webhookPayload({
    messages: [mediaMessage("audio", { from: waId, mediaId, timestamp: new Date() })],
  });
  return { mediaId, payload };
}

/** The bodies the rig's fake Graph API was sent for `waId`, in order. */
export const sentTo = (r: Rig, waId: string) =>
  r.w.graph.sent.filter((s) => s.to === waId).map((s) => s.body);
