/** The kit's direction: tools (scripts/, evals/) use supabase/functions/_testing, never the reverse. */
import assert from "node:assert/strict";

const FUNCTIONS = new URL("../", import.meta.url);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']/g;

async function* tsFiles(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const url = new URL(e.isDirectory ? `${e.name}/` : e.name, dir);
    if (e.isDirectory) yield* tsFiles(url);
    else if (e.name.endsWith(".ts")) yield url;
  }
}

Deno.test("no file of supabase/functions (tests and the kit included) imports from scripts/ or evals/", async () => {
  const root = new URL("../../", FUNCTIONS).pathname;
  const reaching: string[] = [];
  for await (const file of tsFiles(FUNCTIONS)) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(IMPORT)) {
      const target = new URL(m[1] ?? m[2]!, file);
      if (!target.pathname.startsWith(FUNCTIONS.pathname)) {
        reaching.push(`${file.pathname.slice(root.length)} -> ${target.pathname.slice(root.length)}`);
      }
    }
  }
  assert.deepEqual(reaching, []);
});
