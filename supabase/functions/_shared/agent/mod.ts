/**
 * The agent: a model port (the OpenAI Responses API), the loop that runs a turn with the tools, its
 * memory from the transcript, and the responder that puts it in front of the menu.
 */
export * from "./constants.ts";
export { type AgentDeps, AgentError, runAgentTurn, type TurnResult } from "./loop.ts";
export {
  type InputItem,
  type Model,
  ModelError,
  type ModelRequest,
  type ModelResponse,
  type OutputItem,
  type ToolSpec,
} from "./model.ts";
export { createOpenAIModel, toModelError } from "./openai.ts";
export { type AgentOutcome, agentResponder, type AgentResponderDeps, effectSummary } from "./responder.ts";
export { runToolCall, type ToolCallRecord, type ToolContext } from "./run_tool.ts";
