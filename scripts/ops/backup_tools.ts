/** What ./scripts/backup and ./scripts/restore share: the default database, commands they run, checksums. */

/** The dev database, or SUPABASE_DB_URL when it is set. */
export function defaultDbUrl(): string {
  return Deno.env.get("SUPABASE_DB_URL") || "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
}

/** A database URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(a database URL that does not parse)";
  }
}

/** Runs a command with stderr shown; resolves to its stdout, throws naming the command when it fails. */
export async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const out = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${command} exited with ${out.code}`);
  return new TextDecoder().decode(out.stdout);
}

/** sha256 of a file, hex (sha256sum streams files of any size). */
export async function sha256File(path: string): Promise<string> {
  return (await run("sha256sum", [path])).split(" ")[0]!;
}
