/**
 * Scripted mode: the fake OpenAI Responses API answers each model call with the next step of the
 * turn's script, the model output a correct agent would give. The real SDK, loop and tools run
 * against it, so tool calls reach Postgres and the final text is built from what they returned
 * (`{{out.<tool>.<path>}}` reads the outputs in the request, as a model would).
 */
import {
  call,
  calls,
  type FakeOpenAI,
  type FakeOpenAIStep,
  say,
  startFakeOpenAI,
} from "../supabase/functions/_testing/openai_fake.ts";
import { render, renderDeep, type SeenOutput, type Step, type Vars } from "./case.ts";

export interface ScriptedModel {
  /** OPENAI_BASE_URL and key of the fake. */
  url: string;
  apiKey: string;
  /** The steps of the next turn; one turn at a time. No steps: any model call is a failure. */
  load(steps: Step[], vars: Vars): void;
  /** After the turn: what went wrong with the script (unused steps, extra calls, bad requests), if anything. */
  finish(): string | undefined;
  close(): Promise<void>;
}

/** Starts the fake and answers from the loaded script. */
export async function startScriptedModel(): Promise<ScriptedModel> {
  const ai: FakeOpenAI = await startFakeOpenAI();
  let steps: Step[] = [];
  let vars: Vars = {};
  let used = 0;
  ai.respondWith((body): FakeOpenAIStep => {
    const step = steps[used++];
    if (steps.length === 0) {
      throw new Error("the turn has no script (it is answered in code), yet the model was called");
    }
    if (!step) {
      throw new Error(`the agent called the model ${used} times; the script has ${steps.length} steps`);
    }
    const outputs = seenOutputs(body.input);
    if ("say" in step) return say(render(step.say, vars, outputs));
    return calls(...step.calls.map(([name, args]) => call(name, renderDeep(args, vars, outputs))));
  });
  return {
    url: ai.url,
    apiKey: ai.apiKey,
    load(next, nextVars) {
      steps = next;
      vars = nextVars;
      used = 0;
    },
    finish() {
      const problems = ai.violations.splice(0);
      if (used < steps.length) problems.push(`the script has ${steps.length} steps; the agent used ${used}`);
      return problems.length ? `scripted model: ${problems.join("; ")}` : undefined;
    },
    async close() {
      ai.violations.length = 0;
      await ai.close();
    },
  };
}

/** The tool outputs in a Responses API request, oldest first, named by their function call. */
// deno-lint-ignore no-explicit-any -- the request body as the fake parsed it
function seenOutputs(input: any[]): SeenOutput[] {
  const names = new Map<string, string>();
  const seen: SeenOutput[] = [];
  for (const item of input) {
    if (item.type === "function_call") names.set(item.call_id, item.name);
    if (item.type === "function_call_output") {
      seen.push({ name: names.get(item.call_id) ?? "", output: parse(item.output) });
    }
  }
  return seen;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
