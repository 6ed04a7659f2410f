/**
 * What the fake OpenAI refuses, as the real Responses API would: a request body the service must
 * never send (store not false, non-strict tool schemas, tool outputs without their calls).
 */
import { isObject } from "../_shared/json.ts";

/** A refusal: OpenAI's error message, param and code. */
export type Problem = { message: string; param: string | null; code: string | null };

function problem(message: string, param: string | null = null, code: string | null = null): Problem {
  return { message, param, code };
}

/** Why a body is not a request the service may send, or undefined when it is. */
export function validate(body: unknown): Problem | undefined {
  if (!isObject(body)) return problem("We could not parse the JSON body of your request.");
  if (typeof body.model !== "string" || !body.model) {
    return problem("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  }
  if (!Array.isArray(body.input)) return problem("input is not an array of items", "input");
  // The real API accepts store: true; the service must never store conversations there.
  if (body.store !== false) return problem(`store is ${body.store}, not false`, "store");
  const tools = body.tools ?? [];
  if (!Array.isArray(tools)) return problem("tools is not an array", "tools");
  for (const [i, tool] of tools.entries()) {
    const bad = toolProblem(tool, `tools[${i}]`);
    if (bad) return bad;
  }
  return inputProblem(body.input);
}

function toolProblem(tool: unknown, param: string): Problem | undefined {
  if (!isObject(tool) || tool.type !== "function") return problem(`${param} is not a function tool`, param);
  if (typeof tool.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
    return problem(`Invalid '${param}.name': ${tool.name}`, `${param}.name`, "invalid_value");
  }
  if (typeof tool.description !== "string" || !tool.description) {
    return problem(`${param}.description is missing`, `${param}.description`);
  }
  if (tool.strict !== true) return problem(`${param}.strict is not true`, `${param}.strict`);
  const schema = tool.parameters;
  const bad = isObject(schema) && schema.type !== "object"
    ? `In context=(), schema must be a JSON Schema of 'type: "object"', got 'type: "${schema.type}"'.`
    : strictProblem(schema, []);
  if (!bad) return undefined;
  const message = `Invalid schema for function '${tool.name}': ${bad}`;
  return problem(message, `${param}.parameters`, "invalid_function_parameters");
}

/** Where a schema breaks OpenAI's strict mode: every object closed and every property required. */
function strictProblem(schema: unknown, context: string[]): string | undefined {
  // Worded as the API words it, context as a Python tuple.
  const where = `In context=(${context.map((c) => `'${c}'`).join(", ")}${context.length === 1 ? "," : ""})`;
  if (!isObject(schema)) return `${where}, schema must be a JSON Schema object.`;
  const properties = isObject(schema.properties) ? schema.properties : {};
  if ([schema.type].flat().includes("object") || "properties" in schema) {
    if (schema.additionalProperties !== false) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties).find((key) => !required.includes(key));
    if (missing !== undefined) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in ` +
        `properties. Missing '${missing}'.`;
    }
  }
  const children: [string[], unknown][] = Object.entries(properties).map(([k, v]) => [["properties", k], v]);
  if ("items" in schema) children.push([["items"], schema.items]);
  if (Array.isArray(schema.anyOf)) schema.anyOf.forEach((s, i) => children.push([["anyOf", String(i)], s]));
  for (const key of ["$defs", "definitions"]) {
    const defs = schema[key];
    Object.entries(isObject(defs) ? defs : {}).forEach(([name, s]) => children.push([[key, name], s]));
  }
  for (const [path, child] of children) {
    const bad = strictProblem(child, [...context, ...path]);
    if (bad) return bad;
  }
  return undefined;
}

/** Checks each item, and that calls and outputs pair up as the API requires when nothing is stored. */
function inputProblem(input: unknown[]): Problem | undefined {
  const called = new Set<string>();
  const answered = new Set<string>();
  for (const [i, item] of input.entries()) {
    const bad = (what: string) => problem(`input[${i}] ${what}`, `input[${i}]`);
    if (!isObject(item)) return bad("is not an object");
    const type = item.type ?? "message";
    if (type === "message") {
      const roles = ["user", "assistant", "developer", "system"];
      if (!roles.includes(String(item.role))) return bad(`has role ${JSON.stringify(item.role)}`);
      if (typeof item.content !== "string") return bad("content is not a string");
    } else if (type === "function_call") {
      const { call_id, name, arguments: args } = item;
      if (![call_id, name, args].every((s) => typeof s === "string" && s)) {
        return bad("needs call_id, name and arguments strings");
      }
      called.add(call_id as string);
    } else if (type === "function_call_output") {
      const { call_id, output } = item;
      if (typeof call_id !== "string" || typeof output !== "string") {
        return bad("needs call_id and output strings");
      }
      if (!called.has(call_id)) {
        return problem(`No tool call found for function call output with call_id ${call_id}.`, "input");
      }
      answered.add(call_id);
    } else if (type === "reasoning") {
      // With store: false only the encrypted content can stand in for the item; an id alone is not found.
      if (typeof item.id !== "string" || typeof item.encrypted_content !== "string") {
        return problem(
          `Item with id '${item.id}' not found. Items are not persisted when \`store\` is set to false.`,
          "input",
        );
      }
    } else return bad(`has type ${JSON.stringify(type)}, which the fake does not accept`);
  }
  const unanswered = [...called].find((id) => !answered.has(id));
  if (unanswered) return problem(`No tool output found for function call ${unanswered}.`, "input");
}
