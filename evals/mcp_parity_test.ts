/**
 * Chat and voice cannot drift apart: every tool call the scripted eval cases make for a customer with
 * a number runs through voucher-mcp too (the SDK's client, a call token for that customer) and must
 * give what the chat's runner gives, output for output; a tool voice does not offer is refused there.
 */
import assert from "node:assert/strict";
import { runToolCall } from "../supabase/functions/_shared/agent/mod.ts";
import { mintCallToken } from "../supabase/functions/_shared/calls/mod.ts";
import {
  Client,
  offeredTools,
  StreamableHTTPClientTransport,
} from "../supabase/functions/_shared/mcp/mod.ts";
import { dbTest, testDeps, testSql } from "../supabase/functions/_testing/harness.ts";
import { createHandler } from "../supabase/functions/voucher-mcp/index.ts";
import { loadCases, renderDeep, type SeenOutput } from "./case.ts";
import { createFixtureStore } from "./fixtures.ts";

const SECRET = "call-token-secret-evals-0123456789abcdef";

dbTest(
  "the customers' scripted eval tool calls give the same outputs over voucher-mcp as in the chat",
  async () => {
    const sql = await testSql();
    const store = createFixtureStore(sql);
    const t = await testDeps({ VOICE_CALL_TOKEN_SECRET: SECRET });
    const handler = createHandler(t.deps);
    let compared = 0;
    let refused = 0;
    try {
      for (const c of await loadCases(new URL("./cases/", import.meta.url))) {
        const { vars, sender } = await store.create(c);
        if (sender.role !== "customer" || !sender.msisdn) continue;
        const who = { role: "customer" as const, msisdn: sender.msisdn, language: null };
        const call = `rtc_eval_${c.id}`;
        const offered = offeredTools({ kind: "call", call, sender: who, reach: null }).map((tool) =>
          tool.name
        );
        const transport = new StreamableHTTPClientTransport(new URL("http://127.0.0.1/voucher-mcp"), {
          requestInit: {
            headers: {
              authorization: `Bearer ${await mintCallToken(SECRET, {
                call,
                msisdn: sender.msisdn,
                ttlSeconds: 600,
              }, Date.now())}`,
            },
          },
          fetch: (input, init) => handler(new Request(input, init)),
        });
        const client = new Client({ name: "evals-parity", version: "1.0.0" });
        await client.connect(transport);
        const seen: SeenOutput[] = [];
        try {
          for (const turn of c.turns) {
            for (const step of turn.script) {
              if (!("calls" in step)) continue;
              for (const [name, raw] of step.calls) {
                const args = renderDeep(raw, vars, seen, () => "");
                const chat = await runToolCall({
                  ...t.deps,
                  sender: who,
                  conversationId: null,
                  messageId: null,
                  deadline: t.deps.now() + 30_000,
                }, { call_id: crypto.randomUUID(), name, arguments: JSON.stringify(args) });
                seen.push({ name, output: chat.output });
                const where = `${c.id}: ${name}`;
                if (!offered.includes(name)) {
                  await assert.rejects(
                    client.callTool({ name, arguments: args }),
                    /is not offered here/,
                    where,
                  );
                  refused++;
                  continue;
                }
                const result = await client.callTool({ name, arguments: args });
                const content = result.content as { type: string; text: string }[];
                assert.deepEqual(JSON.parse(content[0]!.text), chat.output, where);
                assert.equal(result.isError ?? false, !chat.success, where);
                compared++;
              }
            }
          }
        } finally {
          await client.close();
        }
      }
    } finally {
      await store.cleanup();
      await t.settle();
      await sql.end();
    }
    assert.ok(compared >= 10, `${compared} calls compared`);
    assert.ok(refused >= 1, `${refused} calls refused over MCP`);
  },
);
