/**
 * supabase/functions/.env, as ./scripts/dev writes it: the local stack's settings, read by the tools
 * that run beside it (deno task chat, deno task eval). The shell wins over the file, as it does for
 * the functions, and an empty value counts as unset.
 */

/** KEY=value lines of an env file; comments and other lines are skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

/** `env` with the file's values where `env` leaves a variable unset or empty. */
export function mergeEnvFile(
  env: Record<string, string | undefined>,
  file: Record<string, string>,
): Record<string, string | undefined> {
  const merged = { ...env };
  for (const [key, value] of Object.entries(file)) if (!merged[key]) merged[key] = value;
  return merged;
}

/** The environment with supabase/functions/.env filling the gaps (no file: the environment alone). */
export async function withEnvFile(
  env: Record<string, string | undefined>,
): Promise<Record<string, string | undefined>> {
  const url = new URL("../../supabase/functions/.env", import.meta.url);
  return mergeEnvFile(env, await Deno.readTextFile(url).then(parseEnvFile, () => ({})));
}
