/**
 * RUNBOOK.md as a test: its fenced `sh`, `bash` and `sql` blocks, the markers around them, the
 * placeholders ops replace, and what in a block's output counts as an error. The conventions are
 * written at the top of RUNBOOK.md; scripts/runbook/run.ts runs the blocks against a local stack.
 */

/** One fenced block ops would paste, with what the lines around it say about running it. */
export type Block = {
  /** 1-based line of the opening fence. */
  line: number;
  lang: "sh" | "bash" | "sql";
  code: string;
  /**
   * Set by a `*Platform only: <reason>*` line right above the fence (it needs the Supabase platform,
   * Meta's console or a real key) or `*Not run by the runbook test: <reason>*` (it runs locally but
   * would take the test's own stack away): the test lists the block with its reason, and runs it not.
   */
  skip?: { kind: "platform-only" | "not run"; reason: string };
  /** A `*Then restart `./scripts/dev`...*` line right below the fence: restart the stack after it. */
  restartAfter: boolean;
};

// Emphasis as written (*...*) or as deno fmt rewrites it (_..._).
const SKIP = /^([*_])(Platform only|Not run by the runbook test): (.+?)\.?\1$/;
const RESTART_AFTER = /^[*_]Then restart `\.\/scripts\/dev`/;
const RUNNABLE = new Set(["sh", "bash", "sql"]);

/** The runnable blocks of a runbook, in order; other fences (json, text, none) are skipped. */
export function parseRunbook(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    // A fence may be indented (a block inside a list item); its lines lose that indent.
    const open = /^( {0,4})(`{3,}|~{3,})\s*([A-Za-z]*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const fence = open[2]!;
    const lang = open[3]!.toLowerCase();
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== fence) end++;
    if (end >= lines.length) throw new Error(`RUNBOOK line ${i + 1}: the fence is never closed`);
    if (RUNNABLE.has(lang)) {
      const skip = SKIP.exec(neighbour(lines, i, -1));
      blocks.push({
        line: i + 1,
        lang: lang as Block["lang"],
        code: lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.search(/\S|$/)))).join("\n"),
        ...(skip
          ? { skip: { kind: skip[2] === "Platform only" ? "platform-only" : "not run", reason: skip[3]! } }
          : {}),
        restartAfter: RESTART_AFTER.test(neighbour(lines, end, 1)),
      });
    }
    i = end;
  }
  return blocks;
}

/** The nearest non-blank line above (step -1) or below (step 1) line `from`. */
function neighbour(lines: string[], from: number, step: 1 | -1): string {
  for (let i = from + step; i >= 0 && i < lines.length; i += step) {
    if (lines[i]!.trim() !== "") return lines[i]!.trim();
  }
  return "";
}

/** A placeholder as ops see it: `<project-ref>`, `<conversation id>`. Heredocs (`<<'SQL'`) are not. */
const PLACEHOLDER = /<([a-z][a-z0-9 .-]*[a-z0-9])>/g;

/** The placeholders a block uses, each once. */
export function placeholders(code: string): string[] {
  return [...new Set([...code.matchAll(PLACEHOLDER)].map((m) => m[0]))];
}

/**
 * The block as it runs on the local stack: each key of `values` (a placeholder such as
 * `<conversation id>`, or a longer text holding one, such as `https://<project-ref>.supabase.co`)
 * replaced by its value, longest first, and the local stack's ports (54321 for the functions, 54322
 * for Postgres) by the test stack's. Throws naming a placeholder left without a value, so a new one
 * is noticed rather than pasted literally.
 */
export function localize(
  code: string,
  values: Record<string, string>,
  ports: { gateway: number; db: number },
): string {
  let out = code;
  for (const key of Object.keys(values).sort((a, b) => b.length - a.length)) {
    out = out.replaceAll(key, values[key]!);
  }
  const missing = placeholders(out);
  if (missing.length > 0) {
    throw new Error(`no local value for ${missing.join(", ")} (add it to the runner's placeholders)`);
  }
  return out.replace(/\b54321\b/g, String(ports.gateway)).replace(/\b54322\b/g, String(ports.db));
}

const ERRORS: RegExp[] = [
  /^(psql:.*)?ERROR: /m, // psql
  /\bFATAL: /, // Postgres refusing a connection
  /^psql: error: /m, // psql not reaching the server
  /^HTTP 5\d\d$/m, // curl -w '\nHTTP %{http_code}\n'
  /"level":"error"/, // a log line of the functions
  /^curl: \(\d+\)/m, // curl could not connect, timed out, ...
  /^jq: error/m,
  /^error: /m, // deno: an uncaught error, a failed task
  /: command not found$/m,
  /^(Traceback|Uncaught )/m,
];

/** The first line of `output` that shows an error, or undefined. */
export function findError(output: string): string | undefined {
  for (const re of ERRORS) {
    const match = re.exec(output);
    if (!match) continue;
    const start = output.lastIndexOf("\n", match.index) + 1;
    const end = output.indexOf("\n", match.index);
    return output.slice(start, end === -1 ? undefined : end);
  }
  return undefined;
}
