/** Fakes the agent's unit tests share: a scripted model and a database that records what it is asked. */
import type { Db } from "../db/mod.ts";
import type { Flags } from "../flags.ts";
import { createLogger } from "../log.ts";
import type { AgentDeps } from "./loop.ts";
import type { Model, ModelRequest, OutputItem } from "./model.ts";

/** A scripted model: replays `steps`, records requests, fails loudly past the script. */
export function scripted(steps: OutputItem[][]): Model & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    requests,
    respond(request) {
      requests.push(structuredClone(request));
      const output = steps.shift();
      if (!output) throw new Error("model called more often than scripted");
      return Promise.resolve({
        model: "scripted",
        output,
        usage: { inputTokens: 10, outputTokens: 2 },
        latencyMs: 1,
        attempts: 1,
      });
    },
  };
}

/** A database that answers the loop's bookkeeping and records what it was asked. */
export function bookkeepingDb(
  calls: string[],
  answer: (fn: string, args: unknown) => unknown = (fn) => (fn === "agent_transcript" ? [] : null),
): Db {
  return {
    transport: "sql",
    rpc: (fn: string, args: unknown) => {
      calls.push(fn);
      try {
        return Promise.resolve(answer(fn, args) as never);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close: () => Promise.resolve(),
  };
}

export const flags: Flags = {
  all: () => Promise.reject(new Error("unused")),
  isEnabled: () => Promise.resolve(true),
};

/** The loop's dependencies around `model`, on a bookkeeping database that records the rpcs it is asked. */
export function agentDeps(
  model: Model,
  rpcs: string[] = [],
  answer?: (fn: string, args: unknown) => unknown,
): AgentDeps {
  return {
    db: bookkeepingDb(rpcs, answer),
    flags,
    log: createLogger({ sink: () => {} }),
    model,
    modelName: "scripted",
    now: () => performance.now(),
    today: () => new Date(0),
  };
}
