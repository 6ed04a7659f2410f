/**
 * health: dependency checks, 200 when the database answers and 503 when it does not. An alarm
 * (WhatsApp token refused, OpenAI quota exhausted, more conversations waiting for staff than
 * app_settings.handoff_alarm_open, a backlog past its app_settings thresholds, an operator near the
 * daily cap) is a degradation: status "degraded", still 200.
 *
 * Unauthenticated, the answer says up or down and each check's status, nothing more: counts of
 * operator activity, refusals, the backlog and the flags tell an attacker when a stolen phone goes
 * unnoticed. With the metrics token (`Authorization: Bearer`), the answer has every count and the
 * flags; `?deep=1` (token required) also tries each credential against its service (cached 30 s per
 * isolate), and a refused credential is a degradation too.
 */
import { createDeps, type Deps } from "../_shared/deps.ts";
import {
  type Alarms,
  healthAlarms,
  healthCheck,
  type OperatorActivity,
  operatorActivity,
} from "../_shared/db/mod.ts";
import { DbFailure } from "../_shared/errors.ts";
import { backlogOverThresholds, readBacklog } from "../_shared/ops/mod.ts";
import { createDeepCheck, type DeepResult } from "../_shared/ops/mod.ts";
import { jsonResponse, lazyFetch, requireBearer, requireMethod, serveFunction } from "../_shared/http/mod.ts";
import type { Logger } from "../_shared/log.ts";
import { readHandoffStats } from "../_shared/ops/mod.ts";
import { VERSION } from "../_shared/version.ts";

/** Short enough that a dead database gives a 503 within a few seconds. */
export const HEALTH_DB_TIMEOUT_MS = 2_000;

/** Builds the health handler. The answer holds no secrets and no customer data. */
export function createHandler(deps: Deps) {
  // One per isolate: the cache is what keeps deep health from amplifying traffic to OpenAI and Meta.
  const deepCheck = createDeepCheck({ config: deps.config, fetch: deps.fetch, now: deps.now });
  return serveFunction("health", deps, async (req, { log }) => {
    requireMethod(req, "GET");
    const deepParam = new URL(req.url).searchParams.get("deep");
    const wantsDeep = deepParam === "1" || deepParam === "true";
    // Deep health makes outbound calls, and the details are ops' own: only for the metrics token's
    // holders. A wrong token is refused rather than served the public answer, so a typo shows.
    const detailed = wantsDeep || req.headers.has("authorization");
    if (detailed) await requireBearer(req, deps.config.metricsTokens ?? []);
    const [database, flags, alarms, operators, handoffs, backlog, deep] = await Promise.all([
      checkDatabase(deps, log),
      deps.flags.all(),
      readAlarms(deps, log),
      readOperatorActivity(deps, log),
      checkHandoffs(deps, log),
      checkBacklog(deps, log),
      wantsDeep ? deepCheck.run() : Promise.resolve(undefined),
    ]);
    const { openai, whatsapp } = deps.config;
    const tokenError = alarms?.whatsapp_auth_error ?? null;
    const quotaError = alarms?.openai_quota_error ?? null;
    const templatesUnusable = alarms?.whatsapp_templates_unusable ?? null;
    // Large or rapid operator activity (a limit refused someone in the last hour, or an operator is
    // near their daily cap) is how a stolen phone shows: counts only, no names or numbers.
    const operatorAlarm = operators !== null &&
      (operators.limit_refusals > 0 || operators.operators_near_cap > 0);
    const degraded = tokenError !== null || quotaError !== null || templatesUnusable !== null ||
      operatorAlarm ||
      handoffs?.alarm === true ||
      backlog?.alarm === true || deepFailed(deep);
    const body = {
      status: database.ok ? (degraded ? "degraded" : "ok") : "unavailable",
      version: VERSION,
      checks: {
        database,
        openai: {
          configured: Boolean(openai.apiKey),
          model: openai.model,
          // Set when OpenAI answered insufficient_quota (billing, not load); cleared by the next ok call.
          quota_exhausted: quotaError !== null,
          since: quotaError?.since ?? quotaError?.at ?? null,
        },
        whatsapp: {
          configured: Boolean(
            whatsapp.accessToken && whatsapp.phoneNumberId && whatsapp.appSecrets && whatsapp.verifyToken,
          ),
          // Set when the Graph API refused the access token (code 190); cleared by the next send.
          token_error: tokenError,
          // Templates Meta paused, rejected or disabled (whatsapp_templates): no longer sent.
          templates_unusable: templatesUnusable,
        },
        operators: operators === null ? null : {
          alarm: operatorAlarm,
          limit_refusals_last_hour: operators.limit_refusals,
          near_daily_cap: operators.operators_near_cap,
          actions_waiting: operators.actions_waiting,
        },
        // Counts only: conversations waiting for staff, never who.
        handoffs,
        backlog,
        ...(deep ? { deep } : {}),
        // Behind the metrics token: wrong confirmation and approval codes, counts only.
        ...(deep && backlog
          ? {
            wrong_codes: {
              last_hour: backlog.wrong_codes_last_hour,
              max_per_operator_last_hour: backlog.wrong_codes_max_per_operator_last_hour,
            },
          }
          : {}),
      },
      flags: Object.fromEntries(Object.entries(flags).map(([name, state]) => [name, state.enabled])),
    };
    return jsonResponse(detailed ? body : publicView(body), database.ok ? 200 : 503, {
      "cache-control": "no-store",
    });
  });
}

async function checkDatabase(deps: Deps, log: Logger) {
  const started = deps.now();
  const latency = () => Math.round((deps.now() - started) * 10) / 10;
  try {
    await healthCheck(deps.db, {}, { timeoutMs: HEALTH_DB_TIMEOUT_MS });
    return { ok: true, latency_ms: latency(), transport: deps.db.transport };
  } catch (err) {
    const error = err instanceof DbFailure ? err.code : "database_error";
    log.error("health", `ERROR database check failed: ${error}`, { error: err });
    return { ok: false, latency_ms: latency(), transport: deps.db.transport, error };
  }
}

/** One read of app_settings by key: cheap whatever the size of the telemetry tables. */
async function readAlarms(deps: Deps, log: Logger): Promise<Alarms | null> {
  try {
    return await healthAlarms(deps.db, {}, { timeoutMs: HEALTH_DB_TIMEOUT_MS });
  } catch (error) {
    log.warn("health", "Cannot read the alarms", { error }); // an outage is the database check's error
    return null;
  }
}

/** operator_activity over the last hour; null when it cannot be read (the database check says why). */
async function readOperatorActivity(deps: Deps, log: Logger): Promise<OperatorActivity | null> {
  try {
    return await operatorActivity(deps.db, { p_window_seconds: 3_600 }, { timeoutMs: HEALTH_DB_TIMEOUT_MS });
  } catch (error) {
    log.warn("health", "Cannot read operator activity", { error });
    return null;
  }
}

/** Conversations with staff now: how many, the oldest's age, and whether that is past the alarm. */
async function checkHandoffs(deps: Deps, log: Logger) {
  try {
    const h = await readHandoffStats(deps.db, 3_600, { timeoutMs: HEALTH_DB_TIMEOUT_MS });
    return {
      open: h.open,
      oldest_open_seconds: h.oldest_open_seconds,
      alarm: h.alarm_open > 0 && h.open > h.alarm_open,
    };
  } catch (error) {
    log.warn("health", "Cannot read the handoffs", { error }); // an outage is the database check's error
    return null;
  }
}

/** What waits and the re-drive's heartbeat, with the thresholds it is past; null when unreadable. */
async function checkBacklog(deps: Deps, log: Logger) {
  try {
    const backlog = await readBacklog(deps.db, { timeoutMs: HEALTH_DB_TIMEOUT_MS });
    const over = backlogOverThresholds(backlog);
    return { ...backlog, alarm: over.length > 0, over };
  } catch (error) {
    log.warn("health", "Cannot read the backlog", { error }); // an outage is the database check's error
    return null;
  }
}

type CheckStatus = "ok" | "alarm" | "down" | "unknown" | "not_configured";

/** What anyone may read: the overall status and one word per check, no counts, flags or version. */
function publicView(body: {
  status: string;
  checks: {
    database: { ok: boolean };
    openai: { configured: boolean; quota_exhausted: boolean };
    whatsapp: { configured: boolean; token_error: unknown; templates_unusable: unknown };
    operators: { alarm: boolean } | null;
    handoffs: { alarm: boolean } | null;
    backlog: { alarm: boolean } | null;
    deep?: DeepResult;
  };
}): { status: string; checks: Record<string, CheckStatus> } {
  const { database, openai, whatsapp, operators, handoffs, backlog } = body.checks;
  const alarm = (check: { alarm: boolean } | null): CheckStatus =>
    check === null ? "unknown" : check.alarm ? "alarm" : "ok";
  return {
    status: body.status,
    checks: {
      database: database.ok ? "ok" : "down",
      openai: !openai.configured ? "not_configured" : openai.quota_exhausted ? "alarm" : "ok",
      whatsapp: !whatsapp.configured
        ? "not_configured"
        : whatsapp.token_error || whatsapp.templates_unusable
        ? "alarm"
        : "ok",
      operators: alarm(operators),
      handoffs: alarm(handoffs),
      backlog: alarm(backlog),
    },
  };
}

/** A credential the service refused (or could not be checked); not configured is not a failure. */
function deepFailed(deep: DeepResult | undefined): boolean {
  return deep !== undefined && (deep.openai.ok === false || deep.whatsapp.ok === false);
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject()))),
} satisfies Deno.ServeDefaultExport;
