/** voucher-mcp's test rig: the SDK's MCP client (playing the model) connected to the real handler. */
import { Client, StreamableHTTPClientTransport } from "../_shared/mcp/mod.ts";
import { testDeps } from "../_testing/harness.ts";
import { createHandler } from "../voucher-mcp/index.ts";

/**
 * The SDK's client connected to a voucher-mcp handler built with `env`, sending `bearer`; `close`
 * settles the handler's work.
 */
export async function connectMcp(bearer: string, env: Record<string, string>) {
  const t = await testDeps(env);
  const handler = createHandler(t.deps);
  const transport = new StreamableHTTPClientTransport(new URL("http://127.0.0.1/voucher-mcp"), {
    requestInit: { headers: { authorization: `Bearer ${bearer}` } },
    fetch: (input, init) => handler(new Request(input, init)),
  });
  const client = new Client({ name: "voucher-mcp-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    t,
    close: async () => {
      await client.close();
      await t.settle();
    },
  };
}
