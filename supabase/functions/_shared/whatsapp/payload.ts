/** Meta's WhatsApp Cloud API webhook body, checked with zod and normalised into a WebhookBatch. */
import { z } from "zod";
import { HttpError } from "../errors.ts";
import type { InboundMessage, MetaError, StatusUpdate, WaUser, WebhookBatch } from "./types.ts";

type Path = readonly PropertyKey[];

/** An optional field that is dropped, not rejected, when it comes in a shape we do not know. */
function maybe<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}
const str = maybe(z.string());
const nonEmpty = z.string().min(1);
const seconds = z.string().regex(/^\d{1,12}$/, "must be a string of digits (seconds since 1970)");

const envelopeSchema = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.looseObject({
    id: z.string(),
    changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
  })),
});

const valueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: nonEmpty.optional() }).optional(),
  contacts: maybe(z.array(z.unknown())),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: maybe(z.array(z.unknown())),
});

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

/** Parses a webhook body into a WebhookBatch; throws a 400 `bad_request:webhook` naming what is wrong. */
export function parseWebhook(body: unknown): WebhookBatch {
  const envelope = check(envelopeSchema, body, []);
  const batch: WebhookBatch = { messages: [], statuses: [], errors: [], otherFields: [] };
  envelope.entry.forEach((entry, e) =>
    entry.changes.forEach((change, c) => {
      if (change.field === "messages") readValue(change.value, ["entry", e, "changes", c, "value"], batch);
      else batch.otherFields.push({ field: change.field, value: change.value });
    })
  );
  return batch;
}

function readValue(raw: unknown, path: Path, batch: WebhookBatch): void {
  const value = check(valueSchema, raw, path);
  const contacts = parseEach(value.contacts, contactSchema);
  const phoneNumberId = value.metadata?.phone_number_id;
  value.messages?.forEach((m, i) => {
    if (phoneNumberId === undefined) fail([...path, "metadata", "phone_number_id"], "is missing");
    const message = check(messageSchema, m, [...path, "messages", i]);
    // A username user may come with from_user_id only; a message with neither has no one to answer.
    if (message.from === undefined && message.from_user_id === undefined) {
      fail([...path, "messages", i, "from"], "and from_user_id are both missing");
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
    }));
  });
  value.statuses?.forEach((s, i) => {
    const status = check(statusSchema, s, [...path, "statuses", i]);
    batch.statuses.push(compact<StatusUpdate>({
      waMessageId: status.id,
      status: status.status,
      timestamp: toDate(status.timestamp),
      recipient: compact({ waId: status.recipient_id, userId: status.recipient_user_id }),
      callbackData: status.biz_opaque_callback_data,
      errors: toErrors(status.errors),
      raw: s as Record<string, unknown>,
    }));
  });
  batch.errors.push(...toErrors(value.errors));
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

function toErrors(list: unknown[] | undefined): MetaError[] {
  return parseEach(list, metaErrorSchema).map(({ code, title, message, error_data }) =>
    compact<MetaError>({ code, title, message, details: error_data?.details })
  );
}

/** The entries of `list` that fit `schema`; one in a shape we do not know is skipped, not rejected. */
function parseEach<T extends z.ZodType>(list: unknown[] | undefined, schema: T): z.output<T>[] {
  return (list ?? []).flatMap((x) => {
    const parsed = schema.safeParse(x);
    return parsed.success ? [parsed.data] : [];
  });
}

function toDate(seconds: string): Date {
  return new Date(Number(seconds) * 1000);
}

/** Drops undefined fields, so a result compares equal to a literal without them. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function check<T extends z.ZodType>(schema: T, value: unknown, path: Path): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) fail(path, "is invalid");
  fail([...path, ...issue.path], describe(issue, valueAt(value, issue.path)));
}

function describe(issue: z.core.$ZodIssue, found: unknown): string {
  if (found === undefined) return "is missing";
  switch (issue.code) {
    case "invalid_type":
      return `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "invalid_value":
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, not ${
        JSON.stringify(found)?.slice(0, 40)
      }`;
    case "too_small":
      return "must not be empty";
    default:
      return issue.message;
  }
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, key) => (typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    root,
  );
}

function fail(path: Path, problem: string): never {
  const where = path.length === 0
    ? "body"
    : path.map((k, i) => typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`).join("");
  throw new HttpError(400, "bad_request:webhook", `${where} ${problem}`);
}
