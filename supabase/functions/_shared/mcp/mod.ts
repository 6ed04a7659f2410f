/** voucher-mcp's core: who calls (a per-call token or a tool key), and the chat's tools over MCP. */
export { authenticate, type Caller } from "./caller.ts";
export { handleMcp, listedTools, type McpContext } from "./server.ts";
export { mcpTool, offeredTools } from "./tools.ts";
export { Client, StreamableHTTPClientTransport } from "./sdk.ts";
