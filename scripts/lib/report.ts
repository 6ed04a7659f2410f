/**
 * What the tools' written records share (BENCHMARKS.md from the bench and the soak): the machine a
 * run measured on, and deno fmt with the repository's settings on what they write.
 */

/** The repository's deno.json: its formatting, wherever the file written is. */
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** The machine a run measured on, for its record. */
export function machine(postgres: string) {
  return {
    cpus: navigator.hardwareConcurrency,
    memoryGiB: Deno.systemMemoryInfo().total / 2 ** 30,
    postgres,
    deno: Deno.version.deno,
  };
}

/**
 * Formats the file at `path` as the repository does (tables aligned, its line width), so that
 * `deno fmt --check` passes on it; a path deno.json excludes (a test record under .local/) is left as
 * written. Throws when deno fmt fails otherwise.
 */
export async function formatFile(path: string): Promise<void> {
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", "--config", CONFIG, path],
    stdout: "null",
    stderr: "piped",
  }).output();
  const why = new TextDecoder().decode(fmt.stderr);
  if (!fmt.success && !why.includes("No target files found")) {
    throw new Error(`deno fmt ${path} failed: ${why}`);
  }
}

/** `text` as deno fmt formats a file ending in `.${ext}`, whether or not deno.json excludes its path. */
export async function formatted(text: string, ext: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", "--config", CONFIG, "--ext", ext, "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new Error(`deno fmt --ext ${ext} failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}
