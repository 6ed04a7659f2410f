/**
 * The house's rules, checked on every run: each folder of _shared has a mod.ts face, nothing outside
 * a folder reaches past its face, and no file of _shared imports itself back through others.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../../", import.meta.url);
const SHARED = new URL("./", import.meta.url);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["'](\.{1,2}\/[^"']+)["']/g;

/** Every .ts file under `dir` (a URL ending in /), tests included. */
async function tsFiles(dir: URL): Promise<URL[]> {
  const out: URL[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const url = new URL(e.isDirectory ? `${e.name}/` : e.name, dir);
    if (e.isDirectory) out.push(...await tsFiles(url));
    else if (e.name.endsWith(".ts")) out.push(url);
  }
  return out;
}

/** The files a file imports by relative path, resolved. */
async function importsOf(file: URL): Promise<URL[]> {
  const text = await Deno.readTextFile(file);
  return [...text.matchAll(IMPORT)].map((m) => new URL(m[1]!, file));
}

/** `_shared/<folder>/` of a file under a folder of _shared, or undefined. */
function folderOf(file: URL): string | undefined {
  const rel = file.href.slice(SHARED.href.length);
  return file.href.startsWith(SHARED.href) && rel.includes("/") ? rel.split("/")[0] : undefined;
}

const isTest = (f: URL) => /_test(_fixtures)?\.ts$/.test(f.pathname);

Deno.test("every folder of _shared has a mod.ts face", async () => {
  for await (const e of Deno.readDir(SHARED)) {
    if (!e.isDirectory) continue;
    const face = await Deno.stat(new URL(`${e.name}/mod.ts`, SHARED)).catch(() => null);
    assert.ok(face?.isFile, `_shared/${e.name} has no mod.ts`);
  }
});

Deno.test("nothing outside a folder of _shared imports past its mod.ts", async () => {
  const dirs = ["supabase/functions/", "scripts/", "evals/"].map((d) => new URL(d, ROOT));
  const reaching: string[] = [];
  for (const file of (await Promise.all(dirs.map(tsFiles))).flat()) {
    for (const target of await importsOf(file)) {
      const folder = folderOf(target);
      if (!folder || target.pathname.endsWith("/mod.ts") || folderOf(file) === folder) continue;
      reaching.push(
        `${file.pathname.slice(ROOT.pathname.length)} -> ${target.pathname.slice(SHARED.pathname.length)}`,
      );
    }
  }
  assert.deepEqual(reaching, [], "imports that reach past a face (import the folder's mod.ts)");
});

Deno.test("no file of _shared imports itself back through others", async () => {
  const files = (await tsFiles(SHARED)).filter((f) => !isTest(f));
  const edges = new Map<string, string[]>();
  for (const f of files) edges.set(f.href, (await importsOf(f)).map((t) => t.href));
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "open") {
      const loop = path.slice(path.indexOf(node)).concat(node);
      cycles.push(loop.map((h) => h.slice(SHARED.href.length)).join(" -> "));
      return;
    }
    state.set(node, "open");
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const f of files) visit(f.href, []);
  assert.deepEqual(cycles, [], "import cycles in _shared");
});
