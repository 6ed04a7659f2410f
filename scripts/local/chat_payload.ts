/**
 * What `deno task chat` sends: its options, its settings, and the chat's sender as Meta-shaped webhook
 * bodies (a text message, a delivery status) built with the test kit's builders
 * (supabase/functions/_testing/meta.ts, which also signs them). Pure, so the tests check them directly.
 */
import { parseArgs } from "node:util";
import { msisdnToE164 } from "../../supabase/functions/_shared/msisdn.ts";
import { choicesOf, type OutboundMessage } from "../../supabase/functions/_shared/conversation/mod.ts";
import {
  buttonReplyMessage,
  contact,
  listReplyMessage,
  mediaMessage,
  statusUpdate,
  textMessage,
  webhookPayload,
} from "../../supabase/functions/_testing/meta.ts";

type Json = Record<string, unknown>;

/** The seeded numbers `--as` writes from (supabase/seed.sql), as wa_ids. */
export const SEEDED_WA_ID = { customer: "250708123456", operator: "250708000001" } as const;
export const DEFAULT_URL = "http://127.0.0.1:54321";
const DISPLAY_PHONE_NUMBER = "250708000000";

/** Who the chat writes as: a phone number (wa_id), a business-scoped user id, or both. */
export interface ChatSender {
  waId?: string;
  userId?: string;
  name: string;
}

export interface ChatOptions {
  sender: ChatSender;
  url: string;
  help: boolean;
}

export const USAGE =
  `deno task chat [--as customer|operator] [--from <number>] [--user-id <BSUID>] [--url <gateway>]

  --as        customer (default, +250708123456) or operator (+250708000001), both from supabase/seed.sql
  --from      any number, e.g. 0708123456 or +33612345678 (wins over --as)
  --user-id   a username user's business-scoped id, e.g. RW.1502576394655843; without --from the
              sender has no phone number
  --url       the dev gateway (default SUPABASE_URL of supabase/functions/.env, else ${DEFAULT_URL})

Type a line to send it; replies show as "bot> ...". Buttons and lists show numbered: type a number
alone to tap that button or pick that row. /voice <file.ogg> sends that file as a voice note (uploaded
to the Graph API's media, as Meta would hold it). /quit or Ctrl-D leaves.`;

/** Reads the command line (`url`: the gateway without --url); throws an Error saying what is wrong. */
export function parseChatArgs(args: string[], url = DEFAULT_URL): ChatOptions {
  const { values } = parseArgs({
    args,
    options: {
      as: { type: "string", default: "customer" },
      from: { type: "string" },
      "user-id": { type: "string" },
      url: { type: "string", default: url },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const role = values.as;
  if (role !== "customer" && role !== "operator") {
    throw new Error(`--as must be customer or operator, not ${JSON.stringify(role)}`);
  }
  const userId = values["user-id"];
  if (userId !== undefined && !/^\S{3,160}$/.test(userId)) {
    throw new Error("--user-id must be 3 to 160 characters without spaces, e.g. RW.1502576394655843");
  }
  let waId: string | undefined = values.from === undefined ? SEEDED_WA_ID[role] : toWaId(values.from);
  if (userId !== undefined && values.from === undefined) waId = undefined;
  const sender: ChatSender = { name: `Local ${role}` };
  if (waId) sender.waId = waId;
  if (userId) sender.userId = userId;
  if (!/^https?:\/\/[^/]+/.test(values.url)) {
    throw new Error(`--url must be an http(s) URL, not ${values.url}`);
  }
  return { sender, url: values.url.replace(/\/+$/, ""), help: values.help };
}

/** A number as a wa_id: international digits without the +, Rwandan by default. */
export function toWaId(raw: string): string {
  try {
    return msisdnToE164(raw).slice(1);
  } catch (error) {
    throw new Error(`--from: ${error instanceof Error ? error.message : error}`);
  }
}

/** The secret to sign with and the business number, from the environment (see env_file.ts). */
export function chatSettings(
  env: Record<string, string | undefined>,
): { secret: string; phoneNumberId: string } {
  // Empty means unset, as for the functions.
  const pick = (key: string) => env[key] || undefined;
  const secret = pick("WHATSAPP_APP_SECRET")?.split(",")[0]?.trim();
  const phoneNumberId = pick("WHATSAPP_PHONE_NUMBER_ID");
  const missing = [!secret && "WHATSAPP_APP_SECRET", !phoneNumberId && "WHATSAPP_PHONE_NUMBER_ID"].filter(
    Boolean,
  );
  if (!secret || !phoneNumberId) {
    throw new Error(
      `${
        missing.join(" and ")
      } not set in the environment or supabase/functions/.env (./scripts/dev writes it)`,
    );
  }
  return { secret, phoneNumberId };
}

/** Where `/voice` uploads a note (Meta's POST /{phone-number-id}/media) and the token it needs:
 * WHATSAPP_GRAPH_URL (the gateway's sink under ./scripts/dev) and WHATSAPP_ACCESS_TOKEN; null without one. */
export function chatGraph(
  env: Record<string, string | undefined>,
  base: string,
): { graphUrl: string; accessToken: string } | null {
  const accessToken = env.WHATSAPP_ACCESS_TOKEN || undefined;
  const graphUrl = (env.WHATSAPP_GRAPH_URL || `${base}/graph/v23.0`).replace(/\/+$/, "");
  return accessToken ? { graphUrl, accessToken } : null;
}

/** The file a `/voice <path>` line names (quotes around it allowed), or null for any other line. */
export function voiceCommand(line: string): string | null {
  const path = /^\/voice\s+(.+)$/.exec(line.trim())?.[1]?.trim().replace(/^(["'])(.*)\1$/, "$2");
  return path || null;
}

/** A webhook body carrying one voice note from `sender` (its audio under `mediaId`), as Meta sends it. */
export function voiceWebhook(
  o: { phoneNumberId: string; sender: ChatSender; mediaId: string; mimeType: string; id: string; now: Date },
): Json {
  const { waId, userId, name } = o.sender;
  const from = { from: waId ?? null, fromUserId: userId, id: o.id, timestamp: o.now };
  return webhookPayload({
    phoneNumberId: o.phoneNumberId,
    displayPhoneNumber: DISPLAY_PHONE_NUMBER,
    messages: [mediaMessage("audio", { ...from, mediaId: o.mediaId, mimeType: o.mimeType })],
    contacts: [contact({ waId: waId ?? null, userId, name })],
  });
}

/** A fresh id in the shape of Meta's wamids. */
export function newWamid(): string {
  return `wamid.CHAT${crypto.randomUUID().replaceAll("-", "").toUpperCase()}`;
}

/** A webhook body carrying one text message from `sender`, as Meta sends it. */
export function textWebhook(
  o: { phoneNumberId: string; sender: ChatSender; body: string; id: string; now: Date },
): Json {
  const { waId, userId, name } = o.sender;
  return webhookPayload({
    phoneNumberId: o.phoneNumberId,
    displayPhoneNumber: DISPLAY_PHONE_NUMBER,
    messages: [
      textMessage({ from: waId ?? null, fromUserId: userId, id: o.id, body: o.body, timestamp: o.now }),
    ],
    contacts: [contact({ waId: waId ?? null, userId, name })],
  });
}

/** A webhook body tapping the button or picking the row a typed number names ("2": the second) in the
 * last message with choices, as Meta sends the tap; null when the line is no such number. */
export function choiceWebhook(
  o: {
    phoneNumberId: string;
    sender: ChatSender;
    offered: OutboundMessage | undefined;
    line: string;
    id: string;
    now: Date;
  },
): Json | null {
  const n = /^\s*(\d{1,2})\s*$/.exec(o.line)?.[1];
  const choice = n && o.offered ? choicesOf(o.offered)[Number(n) - 1] : undefined;
  if (!choice || !o.offered) return null;
  const { waId, userId, name } = o.sender;
  const common = { from: waId ?? null, fromUserId: userId, id: o.id, timestamp: o.now };
  const tap = { ...common, replyId: choice.id, title: choice.title };
  return webhookPayload({
    phoneNumberId: o.phoneNumberId,
    displayPhoneNumber: DISPLAY_PHONE_NUMBER,
    messages: [o.offered.type === "list" ? listReplyMessage(tap) : buttonReplyMessage(tap)],
    contacts: [contact({ waId: waId ?? null, userId, name })],
  });
}

/** A webhook body carrying one delivery status for a message the business sent to `recipient`, with
 * the send's callback data echoed back as Meta does. */
export function statusWebhook(
  o: {
    phoneNumberId: string;
    id: string;
    status: string;
    recipient: Omit<ChatSender, "name">;
    now: Date;
    callbackData?: string;
  },
): Json {
  const { waId, userId } = o.recipient;
  const status = statusUpdate({
    id: o.id,
    status: o.status,
    timestamp: o.now,
    recipientId: waId ?? null,
    recipientUserId: userId,
    callbackData: o.callbackData,
  });
  return webhookPayload({
    phoneNumberId: o.phoneNumberId,
    displayPhoneNumber: DISPLAY_PHONE_NUMBER,
    statuses: [status],
  });
}
