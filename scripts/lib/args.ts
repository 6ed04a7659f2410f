/**
 * What every tool's command line goes through before node:util's parseArgs: `deno task <name> -- ...`
 * passes the `--` on, which parseArgs would read as the end of the options.
 */

/** The arguments without a leading `--`: `deno task eval -- --scripted` is `--scripted`. */
export function taskArgs(args: readonly string[]): string[] {
  return args[0] === "--" ? args.slice(1) : [...args];
}
