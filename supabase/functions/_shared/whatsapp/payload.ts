/**
 * Meta's WhatsApp Cloud API webhook body, read element by element into a WebhookBatch. It never
 * throws: an element it cannot read is kept in `rejected` with its JSON path, and its siblings are read.
 */
import { z } from "zod";
import { isObject } from "../json.ts";
import { check, each, list, type Path, pathString, reject } from "./_read.ts";
import { sanitizeJson, sanitizeText } from "./sanitize.ts";
import type { InboundMessage, MetaError, StatusUpdate, WaUser, WebhookBatch } from "./types.ts";

/** An optional field that is dropped, not rejected, when it comes in a shape we do not know. */
function maybe<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}
const str = maybe(z.string());
const nonEmpty = z.string().min(1);
/** Seconds since 1970 as Meta sends them; one we cannot read is dropped (null), never fatal. */
const seconds = maybe(z.union([z.string(), z.number()]));

const contactSchema = z.looseObject({
  wa_id: str,
  user_id: str,
  profile: maybe(z.looseObject({ name: str, username: str })),
});
type Contact = z.output<typeof contactSchema>;

const metaErrorSchema = z.looseObject({
  code: z.number(),
  title: str,
  message: str,
  error_data: maybe(z.looseObject({ details: str })),
});

const media = maybe(
  z.looseObject({ id: z.string(), mime_type: str, sha256: str, caption: str, filename: str }),
);
const messageSchema = z.looseObject({
  id: nonEmpty,
  from: nonEmpty.optional(),
  from_user_id: nonEmpty.optional(),
  timestamp: seconds,
  type: nonEmpty,
  context: maybe(z.looseObject({ id: str })),
  text: maybe(z.looseObject({ body: str })),
  image: media,
  audio: media,
  video: media,
  document: media,
  sticker: media,
  location: maybe(z.looseObject({ latitude: z.number(), longitude: z.number(), name: str, address: str })),
  interactive: maybe(z.looseObject({
    type: str,
    button_reply: maybe(z.looseObject({ id: str, title: z.string() })),
    list_reply: maybe(z.looseObject({ id: str, title: z.string(), description: str })),
  })),
  button: maybe(z.looseObject({ payload: str, text: z.string() })),
  reaction: maybe(z.looseObject({ message_id: z.string(), emoji: str })),
});
type Message = z.output<typeof messageSchema>;

const statusSchema = z.looseObject({
  id: nonEmpty,
  status: nonEmpty,
  timestamp: seconds,
  recipient_id: str,
  recipient_user_id: str,
  biz_opaque_callback_data: str,
  errors: maybe(z.array(z.unknown())),
});

/** What parseWebhook needs to know: the business number, so messages for another one are kept aside. */
export interface ParseOptions {
  phoneNumberId?: string;
}

/** Reads a webhook body into a WebhookBatch; `ignored` says why a body holds nothing for us. */
export function parseWebhook(body: unknown, options: ParseOptions = {}): WebhookBatch {
  const batch: WebhookBatch = { messages: [], statuses: [], errors: [], otherFields: [], rejected: [] };
  const root = sanitizeJson(body);
  if (!isObject(root)) return { ...batch, ignored: "body is not a JSON object" };
  if (root.object !== "whatsapp_business_account") {
    // Cut at 40 code units, which may split an emoji: made well-formed again for the jsonb it goes to.
    return { ...batch, ignored: sanitizeText(`object is ${JSON.stringify(root.object)?.slice(0, 40)}`) };
  }
  list(root.entry, ["entry"], batch).forEach((entry, e) => {
    const at = ["entry", e];
    if (!isObject(entry)) return reject(batch, at, "must be an object", entry);
    list(entry.changes, [...at, "changes"], batch).forEach((change, c) => {
      const where = [...at, "changes", c];
      if (!isObject(change) || typeof change.field !== "string") {
        return reject(batch, where, "must be an object with a field", change);
      }
      if (change.field === "messages") readValue(change.value, [...where, "value"], batch, options);
      else batch.otherFields.push({ field: change.field, value: change.value });
    });
  });
  return batch;
}

function readValue(value: unknown, path: Path, batch: WebhookBatch, options: ParseOptions): void {
  if (!isObject(value)) return reject(batch, path, "must be an object", value);
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const phoneNumberId = typeof metadata.phone_number_id === "string" && metadata.phone_number_id
    ? metadata.phone_number_id
    : undefined;
  // Stored, never answered: Meta sent us another business number's traffic.
  const foreign = options.phoneNumberId !== undefined && phoneNumberId !== undefined &&
    phoneNumberId !== options.phoneNumberId;
  const contacts = each(value.contacts, [...path, "contacts"], contactSchema, batch);
  list(value.messages, [...path, "messages"], batch).forEach((m, i) => {
    const at = [...path, "messages", i];
    if (foreign) return reject(batch, at, "is for another business number", m, "foreign");
    if (phoneNumberId === undefined) return reject(batch, at, "has no metadata.phone_number_id", m);
    const message = check(messageSchema, m, at, batch);
    if (!message) return;
    // A username user may come with from_user_id only; a message with neither has no one to answer.
    if (message.from === undefined && message.from_user_id === undefined) {
      return reject(batch, at, "from and from_user_id are both missing", m);
    }
    batch.messages.push(compact<InboundMessage>({
      waMessageId: message.id,
      phoneNumberId,
      sender: toSender(message, contacts),
      type: message.type,
      ...content(message),
      contextMessageId: message.context?.id,
      timestamp: toDate(message.timestamp),
      raw: m as Record<string, unknown>,
      path: pathString(at),
    }));
  });
  list(value.statuses, [...path, "statuses"], batch).forEach((s, i) => {
    const at = [...path, "statuses", i];
    if (foreign) return reject(batch, at, "is for another business number", s, "foreign");
    const status = check(statusSchema, s, at, batch);
    if (!status) return;
    batch.statuses.push(compact<StatusUpdate>({
      waMessageId: status.id,
      status: status.status,
      timestamp: toDate(status.timestamp),
      recipient: compact({ waId: status.recipient_id, userId: status.recipient_user_id }),
      callbackData: status.biz_opaque_callback_data,
      errors: toErrors(status.errors, [...at, "errors"], batch),
      raw: s as Record<string, unknown>,
      path: pathString(at),
    }));
  });
  batch.errors.push(...toErrors(value.errors, [...path, "errors"], batch));
}

/** The sender from `from`/`from_user_id`, completed by the contacts[] entry that is theirs. */
function toSender(m: Message, contacts: Contact[]): WaUser {
  // Each id compares true, false, or null when one side lacks it; a contact fits if none is false.
  const same = (a?: string, b?: string) => a === undefined || b === undefined ? null : a === b;
  const fits = (c: Contact) => [same(m.from, c.wa_id), same(m.from_user_id, c.user_id)];
  const lone = contacts.length === 1 ? contacts[0] : undefined;
  const contact = contacts.find((c) => fits(c).includes(true) && !fits(c).includes(false)) ??
    (lone && !fits(lone).includes(false) ? lone : undefined);
  return compact<WaUser>({
    waId: m.from ?? contact?.wa_id,
    userId: m.from_user_id ?? contact?.user_id,
    username: contact?.profile?.username,
    profileName: contact?.profile?.name,
  });
}

type Content = Pick<InboundMessage, "text" | "media" | "location" | "reply" | "reaction">;
type Reply = NonNullable<InboundMessage["reply"]>;

/** What matters of each type; contacts, system, unsupported and unknown types live in `raw` only. */
function content(m: Message): Content {
  switch (m.type) {
    case "text":
      return { text: m.text?.body };
    case "image":
    case "audio":
    case "video":
    case "document":
    case "sticker": {
      const md = m[m.type];
      if (!md) return {};
      const { id, mime_type: mimeType, sha256, caption, filename } = md;
      return { text: caption, media: compact({ id, mimeType, sha256, caption, filename }) };
    }
    case "location": {
      const l = m.location;
      if (!l) return {};
      return {
        location: compact({ latitude: l.latitude, longitude: l.longitude, name: l.name, address: l.address }),
      };
    }
    case "interactive": {
      const { type: kind, button_reply: b, list_reply: l } = m.interactive ?? {};
      const r: Reply | undefined = kind === "button_reply"
        ? b && { kind, id: b.id, title: b.title }
        : kind === "list_reply"
        ? l && { kind, id: l.id, title: l.title, description: l.description }
        : undefined;
      return r ? { text: r.title, reply: compact<Reply>(r) } : {};
    }
    case "button": {
      const b = m.button;
      return b
        ? { text: b.text, reply: compact<Reply>({ kind: "quick_reply", id: b.payload, title: b.text }) }
        : {};
    }
    case "reaction": {
      const r = m.reaction;
      // Meta omits emoji (or, in some payloads, sends "") when the customer removed their reaction.
      return r ? { reaction: compact({ messageId: r.message_id, emoji: r.emoji || undefined }) } : {};
    }
    default:
      return {};
  }
}

function toErrors(list: unknown, path: Path, batch: WebhookBatch): MetaError[] {
  return each(list, path, metaErrorSchema, batch).map(({ code, title, message, error_data }) =>
    compact<MetaError>({ code, title, message, details: error_data?.details })
  );
}

/** Seconds since 1970, or undefined for a value no clock can hold (negative, past year 275760, not a number). */
function toDate(value: string | number | undefined): Date | undefined {
  if (typeof value === "string" && !/^\s*\d{1,16}\s*$/.test(value)) return undefined;
  const ms = Number(value) * 1000;
  return Number.isFinite(ms) && ms >= 0 && ms <= 8.64e15 ? new Date(ms) : undefined;
}

/** Drops undefined fields, so a result compares equal to a literal without them. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
