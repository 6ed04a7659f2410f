/**
 * The local stack the runbook test runs against: a copy of the checkout (tracked and untracked files,
 * not the ignored .env or .local) with its own supabase/functions/.env of fresh secrets, where the
 * real ./scripts/dev runs on free loopback ports. Restarting it is what ops do: stop ./scripts/dev
 * (SIGTERM, as Ctrl-C) and start it again.
 */
import { freeLoopbackPort } from "../../supabase/functions/_testing/harness.ts";

/** A running stack; `dir` is the copy's root, `blockEnv` the environment a block gets. */
export type Stack = {
  dir: string;
  ports: { gateway: number; db: number };
  blockEnv: Record<string, string>;
  restart(): Promise<number>;
  stop(options: { report: string; keep: boolean }): Promise<void>;
};

const START_TIMEOUT_MS = 180_000;

async function run(cmd: string, cwd: string, env?: Record<string, string>): Promise<string> {
  const out = await new Deno.Command("bash", { args: ["-c", cmd], cwd, ...(env ? { env } : {}) }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`runbook stack: \`${cmd}\` failed:\n${text}`);
  return text;
}

/** Copies `root` into `parent`/voucher-agents, writes its .env for free ports and starts ./scripts/dev. */
export async function startStack(root: string, parent: string): Promise<Stack> {
  await removeStack(`${parent}/voucher-agents`);
  const dir = `${parent}/voucher-agents`;
  await Deno.mkdir(dir, { recursive: true });
  await run(
    `git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null |
       tar -C "${dir}" -xf - && ln -s "${root}/node_modules" "${dir}/node_modules"`,
    root,
  );
  const ports = { gateway: freeLoopbackPort(), db: freeLoopbackPort() };
  await run(`source scripts/lib/common.sh && ensure_env_file 2>/dev/null`, dir);
  const envFile = `${dir}/supabase/functions/.env`;
  const env = (await Deno.readTextFile(envFile)).replace(/\b54321\b/g, String(ports.gateway))
    .replace(/\b54322\b/g, String(ports.db));
  await Deno.writeTextFile(envFile, env);
  await Deno.mkdir(`${dir}/.local/logs`, { recursive: true });

  const base = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/root",
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    TERM: "dumb",
  };
  let child: Deno.ChildProcess | undefined;
  const stopDev = async () => {
    if (!child) return;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    child = undefined;
  };
  const start = async () => {
    const started = performance.now();
    child = new Deno.Command("bash", {
      args: ["-c", "exec ./scripts/dev >>.local/logs/dev.out 2>&1"],
      cwd: dir,
      env: { ...base, DEV_DB_PORT: String(ports.db), GATEWAY_PORT: String(ports.gateway) },
      clearEnv: true,
      stdin: "null",
    }).spawn();
    const exited = child.status.then(() => true);
    const health = `http://127.0.0.1:${ports.gateway}/functions/v1/health`;
    while (performance.now() - started < START_TIMEOUT_MS) {
      const res = await fetch(health).catch(() => undefined);
      await res?.body?.cancel();
      if (res?.status === 200) return performance.now() - started;
      if (await Promise.race([exited, new Promise((r) => setTimeout(() => r(false), 200))])) break;
    }
    await stopDev();
    const log = await Deno.readTextFile(`${dir}/.local/logs/dev.out`).catch(() => "");
    throw new Error(`runbook stack: ./scripts/dev did not become healthy; its output:\n${log.slice(-3000)}`);
  };
  await start();
  return {
    dir,
    ports,
    // The ports too: a stray ./scripts/dev in a block then stops at the taken port instead of
    // starting a second stack on 54321/54322, where a developer's may run.
    blockEnv: { ...base, DEV_DB_PORT: String(ports.db), GATEWAY_PORT: String(ports.gateway) },
    async restart() {
      const t = performance.now();
      await stopDev();
      await start();
      return performance.now() - t;
    },
    async stop({ report, keep }) {
      await stopDev();
      for (const log of ["app.log", "dev.out"]) {
        await Deno.copyFile(`${dir}/.local/logs/${log}`, `${report}/${log}`).catch(() => {});
      }
      if (!keep) await removeStack(dir);
    },
  };
}

/** Removes a copy and, when its cluster lives outside it (a folder Postgres could not enter), that too. */
async function removeStack(dir: string): Promise<void> {
  const pg = await Deno.realPath(`${dir}/.local/pg`).catch(() => undefined);
  // A run that was killed may have left its Postgres running.
  if (pg) await run(`source scripts/lib/common.sh && stop_cluster "${pg}"`, dir).catch(() => {});
  if (pg && !pg.startsWith(`${dir}/`)) {
    const home = pg.replace(/\/pg$/, "");
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
