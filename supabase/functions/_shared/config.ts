/** The configuration contract: every environment variable, validated once with zod. */
import { z } from "zod";

/** The kill switches; each may be set in the environment, which overrides the feature_flags table. */
export const FLAG_NAMES = [
  "AI_RESPONSES_ENABLED",
  "AI_REALTIME_ENABLED",
  "WHATSAPP_INTEGRATION_ENABLED",
  "VOUCHER_CREATION_ENABLED",
  "VOUCHER_REDEMPTION_ENABLED",
  "VOUCHER_VOID_ENABLED",
  "AI_VOICE_NOTES_ENABLED",
] as const;
export type FlagName = typeof FLAG_NAMES[number];

/** Switches that guard money: when their value is unknown (a cold isolate whose flag read failed, a
 * row missing from the table) they are off. The SQL effect functions check them too (require_flag). */
export const PRIVILEGED_FLAGS: readonly FlagName[] = [
  "VOUCHER_CREATION_ENABLED",
  "VOUCHER_REDEMPTION_ENABLED",
  "VOUCHER_VOID_ENABLED",
];

export const DEFAULT_GRAPH_URL = "https://graph.facebook.com/v23.0";
export const DEFAULT_OPENAI_MODEL = "gpt-5-mini";
export const DEFAULT_TRANSCRIPTION_MODEL = "gpt-4o-transcribe";

const secret = z.string().min(16, "must be at least 16 characters");
const secretList = z.string().transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
  .pipe(z.array(secret).min(1, "must hold at least one key"));
const boolean = z.enum(["true", "false", "1", "0", "on", "off"], "must be true or false")
  .transform((v) => v === "true" || v === "1" || v === "on");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).transform((u) =>
  u.replace(/\/+$/, "")
);

const schema = z.object({
  SUPABASE_URL: httpUrl.optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1).optional(),
  SUPABASE_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  DB_TRANSPORT: z.enum(["sql", "rest"], "must be sql or rest").optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: secretList.optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, "must be digits").optional(),
  WHATSAPP_GRAPH_URL: httpUrl.default(DEFAULT_GRAPH_URL),
  WHATSAPP_DRAIN_SECRET: secret.optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: httpUrl.optional(),
  OPENAI_MODEL: z.string().min(1).default(DEFAULT_OPENAI_MODEL),
  TRANSCRIPTION_BASE_URL: httpUrl.optional(),
  TRANSCRIPTION_API_KEY: z.string().min(1).optional(),
  TRANSCRIPTION_MODEL: z.string().min(1).default(DEFAULT_TRANSCRIPTION_MODEL),
  VOICE_NOTE_MAX_SECONDS: z.coerce.number().int().positive().default(120),
  VOICE_NOTE_MAX_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  TOOL_API_KEYS: secretList.optional(),
  OPENAI_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, "must be a whsec_ secret")
    .optional(),
  VOICE_CALL_TOKEN_SECRET: secretList.optional(),
  VOUCHER_MCP_URL: httpUrl.optional(),
  METRICS_TOKEN: secretList.optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], "must be debug, info, warn or error").default("info"),
  ...Object.fromEntries(FLAG_NAMES.map((name) => [name, boolean.optional()])) as Record<
    FlagName,
    z.ZodOptional<typeof boolean>
  >,
});
type Env = z.output<typeof schema>;

export type DbConfig =
  | { transport: "sql"; url: string }
  | { transport: "rest"; url: string; serviceRoleKey: string };

export interface Config {
  db: DbConfig;
  logLevel: Env["LOG_LEVEL"];
  toolApiKeys?: string[];
  /** Bearer tokens of metrics: comma-separated, two at once during a rotation. */
  metricsTokens?: string[];
  whatsapp: {
    verifyToken?: string;
    appSecrets?: string[];
    accessToken?: string;
    phoneNumberId?: string;
    graphUrl: string;
    /** Bearer secret of the webhook's drain path, which pg_cron + pg_net call to re-drive due work. */
    drainSecret?: string;
  };
  openai: { apiKey?: string; baseUrl?: string; model: string };
  /** Voice notes: the transcription server (OPENAI_BASE_URL and OPENAI_API_KEY unless named) and the limits. */
  speech: { apiKey?: string; baseUrl?: string; model: string; maxSeconds: number; maxBytes: number };
  /**
   * Voice calls: the whsec_ secret OpenAI signs its webhooks with, the keys of per-call tokens, and the
   * public URL of voucher-mcp (VOUCHER_MCP_URL, else SUPABASE_URL/functions/v1/voucher-mcp).
   */
  calls: { webhookSecret?: string; tokenSecrets?: string[]; mcpUrl?: string };
  flagOverrides: Partial<Record<FlagName, boolean>>;
}

/** Variables a function cannot run without, beyond the database. */
export type RequiredVar = "TOOL_API_KEYS" | "METRICS_TOKEN" | "WHATSAPP_VERIFY_TOKEN" | "WHATSAPP_APP_SECRET";

/** Thrown at start when the environment is incomplete or malformed; names every variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the environment. Empty values count as unset. */
export function loadConfig(raw: Record<string, string | undefined>, required: RequiredVar[] = []): Config {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const parsed = schema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`);
  problems.push(
    ...required.filter((name) => present[name] === undefined).map((name) => `${name} is missing`),
  );
  // On a parse failure the raw values still tell which database variables are missing.
  const db = dbConfig(parsed.success ? parsed.data : present, problems);
  if (!parsed.success || problems.length > 0 || !db) throw new ConfigError(problems);
  const env = parsed.data;
  const flagOverrides: Partial<Record<FlagName, boolean>> = {};
  for (const name of FLAG_NAMES) if (env[name] !== undefined) flagOverrides[name] = env[name];
  return {
    db,
    logLevel: env.LOG_LEVEL,
    toolApiKeys: env.TOOL_API_KEYS,
    metricsTokens: env.METRICS_TOKEN,
    whatsapp: {
      verifyToken: env.WHATSAPP_VERIFY_TOKEN,
      appSecrets: env.WHATSAPP_APP_SECRET,
      accessToken: env.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
      graphUrl: env.WHATSAPP_GRAPH_URL,
      drainSecret: env.WHATSAPP_DRAIN_SECRET,
    },
    openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL },
    speech: {
      apiKey: env.TRANSCRIPTION_API_KEY ?? env.OPENAI_API_KEY,
      baseUrl: env.TRANSCRIPTION_BASE_URL ?? env.OPENAI_BASE_URL,
      model: env.TRANSCRIPTION_MODEL,
      maxSeconds: env.VOICE_NOTE_MAX_SECONDS,
      maxBytes: env.VOICE_NOTE_MAX_BYTES,
    },
    calls: {
      webhookSecret: env.OPENAI_WEBHOOK_SECRET,
      tokenSecrets: env.VOICE_CALL_TOKEN_SECRET,
      mcpUrl: env.VOUCHER_MCP_URL ?? (env.SUPABASE_URL && `${env.SUPABASE_URL}/functions/v1/voucher-mcp`),
    },
    flagOverrides,
  };
}

type DbEnv = Partial<
  Record<"SUPABASE_DB_URL" | "SUPABASE_URL" | "SUPABASE_SERVICE_ROLE_KEY" | "DB_TRANSPORT", string>
>;

function dbConfig(env: DbEnv, problems: string[]): DbConfig | undefined {
  const transport = env.DB_TRANSPORT ?? (env.SUPABASE_DB_URL ? "sql" : env.SUPABASE_URL ? "rest" : "sql");
  if (transport !== "rest") {
    if (env.SUPABASE_DB_URL) return { transport: "sql", url: env.SUPABASE_DB_URL };
    problems.push("SUPABASE_DB_URL is missing (or set DB_TRANSPORT=rest with SUPABASE_URL)");
    return undefined;
  }
  if (!env.SUPABASE_URL) problems.push("SUPABASE_URL is missing (DB_TRANSPORT=rest)");
  if (!env.SUPABASE_SERVICE_ROLE_KEY) {
    problems.push("SUPABASE_SERVICE_ROLE_KEY is missing (DB_TRANSPORT=rest)");
  }
  if (!env.SUPABASE_URL || !env.SUPABASE_SERVICE_ROLE_KEY) return undefined;
  return { transport: "rest", url: env.SUPABASE_URL, serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY };
}
