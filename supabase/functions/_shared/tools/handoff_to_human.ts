/** handoff_to_human: a person from the team takes the chat over. */
import { z } from "zod";
import { defineTool } from "./tool.ts";

export default defineTool({
  name: "handoff_to_human",
  description: "Hands the chat to a staff member, who answers here. Use when asked for a person or unsure.",
  schema: z.strictObject({ reason: z.string().describe("Why a person is needed, in a few words") }),
  roles: ["customer", "operator"],
  handoff: true,
  run: () => Promise.resolve({ handed_off: true }),
});
