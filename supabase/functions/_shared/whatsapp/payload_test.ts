import assert from "node:assert/strict";
import { HttpError } from "../errors.ts";
import { parseWebhook } from "./payload.ts";
import type { InboundMessage } from "./types.ts";
import * as fx from "../../tests/fixtures/whatsapp.ts";

const AT = new Date(fx.FIXTURE_SECONDS * 1000);
const SENDER = { waId: fx.CUSTOMER_WA_ID, profileName: fx.CUSTOMER_NAME };

/** Parses a payload holding just `m` and returns the one message it carried. */
function only(m: Record<string, unknown>): InboundMessage {
  const batch = parseWebhook(fx.webhookPayload({ messages: [m] }));
  assert.equal(batch.messages.length, 1);
  const [msg] = batch.messages;
  assert.ok(msg);
  assert.equal(msg.raw, m);
  return msg;
}

/** The normalised fields of a message, without the ones every test repeats. */
function fields(msg: InboundMessage): Partial<InboundMessage> {
  const { waMessageId: _id, phoneNumberId: _p, sender: _s, timestamp: _t, raw: _r, ...rest } = msg;
  return rest;
}

Deno.test("parseWebhook() reads a text message with its sender, time and business number", () => {
  const m = fx.textMessage({ id: "wamid.A1", body: "Muraho! Ndashaka kumenya voucher zanjye 🙏" });
  assert.deepEqual(only(m), {
    waMessageId: "wamid.A1",
    phoneNumberId: fx.PHONE_NUMBER_ID,
    sender: SENDER,
    type: "text",
    text: "Muraho! Ndashaka kumenya voucher zanjye 🙏",
    timestamp: AT,
    raw: m,
  });
});

Deno.test("parseWebhook() reads a username-only sender from from_user_id and contacts[].user_id", () => {
  const m = fx.textMessage({ from: null, fromUserId: fx.CUSTOMER_USER_ID, body: "Bonjour" });
  const c = fx.contact({ waId: null, userId: fx.CUSTOMER_USER_ID, name: "Aline", username: "aline.kigali" });
  const batch = parseWebhook(fx.webhookPayload({ messages: [m], contacts: [c] }));
  assert.deepEqual(batch.messages[0]?.sender, {
    userId: fx.CUSTOMER_USER_ID,
    username: "aline.kigali",
    profileName: "Aline",
  });
});

Deno.test("parseWebhook() matches each sender to their own contacts[] entry", () => {
  const a = fx.textMessage({ from: "250788111111" });
  const b = fx.textMessage({ from: "250788222222", fromUserId: "RW.2" });
  const contacts = [
    fx.contact({ waId: "250788222222", userId: "RW.2", name: "Bosco", username: "bosco" }),
    fx.contact({ waId: "250788111111", name: "Alice" }),
  ];
  const batch = parseWebhook(fx.webhookPayload({ messages: [a, b], contacts }));
  assert.deepEqual(batch.messages.map((m) => m.sender), [
    { waId: "250788111111", profileName: "Alice" },
    { waId: "250788222222", userId: "RW.2", username: "bosco", profileName: "Bosco" },
  ]);
});

Deno.test("parseWebhook() does not take a lone contact whose wa_id differs from the sender's", () => {
  const m = fx.textMessage({ from: "250788111111" });
  const batch = parseWebhook(
    fx.webhookPayload({ messages: [m], contacts: [fx.contact({ waId: "250788999999" })] }),
  );
  assert.deepEqual(batch.messages[0]?.sender, { waId: "250788111111" });
});

Deno.test("parseWebhook() keeps context.id as contextMessageId", () => {
  assert.equal(only(fx.textMessage({ contextId: "wamid.OUT1" })).contextMessageId, "wamid.OUT1");
});

for (const kind of ["image", "video", "document"] as const) {
  Deno.test(`parseWebhook() reads a ${kind} with its caption as text`, () => {
    const m = fx.mediaMessage(kind, { mediaId: "555", caption: "Fagitire", filename: "fagitire.pdf" });
    const msg = only(m);
    assert.equal(msg.text, "Fagitire");
    assert.deepEqual(msg.media, {
      id: "555",
      mimeType: (m[kind] as { mime_type: string }).mime_type,
      sha256: (m[kind] as { sha256: string }).sha256,
      caption: "Fagitire",
      filename: "fagitire.pdf",
    });
  });
}

for (const kind of ["audio", "sticker"] as const) {
  Deno.test(`parseWebhook() reads ${kind} media without text`, () => {
    const msg = only(fx.mediaMessage(kind, { mediaId: "777" }));
    assert.equal(msg.type, kind);
    assert.equal(msg.text, undefined);
    assert.equal(msg.media?.id, "777");
  });
}

Deno.test("parseWebhook() reads a location", () => {
  const location = { latitude: -1.95, longitude: 30.06, name: "Kigali Heights", address: "KG 7 Ave" };
  assert.deepEqual(fields(only(fx.locationMessage(location))), { type: "location", location });
});

Deno.test("parseWebhook() reads an interactive button reply", () => {
  const msg = only(fx.buttonReplyMessage({ replyId: "redeem", title: "Kwishyura", contextId: "wamid.OUT2" }));
  assert.deepEqual(fields(msg), {
    type: "interactive",
    text: "Kwishyura",
    reply: { kind: "button_reply", id: "redeem", title: "Kwishyura" },
    contextMessageId: "wamid.OUT2",
  });
});

Deno.test("parseWebhook() reads an interactive list reply with its description", () => {
  const msg = only(fx.listReplyMessage({ replyId: "v:1", title: "VC-1", description: "5,000 RWF" }));
  assert.deepEqual(fields(msg), {
    type: "interactive",
    text: "VC-1",
    reply: { kind: "list_reply", id: "v:1", title: "VC-1", description: "5,000 RWF" },
  });
});

Deno.test("parseWebhook() reads a template quick-reply button as a quick_reply", () => {
  assert.deepEqual(fields(only(fx.quickReplyMessage({ payload: "STOP", text: "Hagarika" }))), {
    type: "button",
    text: "Hagarika",
    reply: { kind: "quick_reply", id: "STOP", title: "Hagarika" },
  });
});

Deno.test("parseWebhook() reads a reaction, and one without emoji as removed", () => {
  assert.deepEqual(only(fx.reactionMessage({ messageId: "wamid.OUT3", emoji: "❤️" })).reaction, {
    messageId: "wamid.OUT3",
    emoji: "❤️",
  });
  assert.deepEqual(only(fx.reactionMessage({ messageId: "wamid.OUT3", emoji: null })).reaction, {
    messageId: "wamid.OUT3",
  });
});

for (
  const [name, m] of [
    ["contacts", fx.contactsMessage()],
    ["system", fx.systemMessage()],
    ["unsupported", fx.unsupportedMessage()],
    ["order", fx.message("order", { order: { catalog_id: "1", product_items: [] } })],
    ["poll", fx.message("poll", { poll: { question: "Voucher?" } })],
  ] as const
) {
  Deno.test(`parseWebhook() keeps a ${name} message with its type and raw only`, () => {
    const msg = only(m);
    assert.deepEqual(fields(msg), { type: name });
    assert.deepEqual(msg.sender, SENDER);
  });
}

Deno.test("parseWebhook() reads statuses, a failed one with errors and callback data", () => {
  const failed = fx.statusUpdate({
    id: "wamid.OUT4",
    status: "failed",
    recipientId: null,
    recipientUserId: fx.CUSTOMER_USER_ID,
    callbackData: "outbox:42",
    errors: [fx.metaError({ code: 131047, title: "Re-engagement", details: "24 hours" })],
  });
  const read = fx.statusUpdate({ id: "wamid.OUT5", status: "read" });
  const batch = parseWebhook(fx.webhookPayload({ statuses: [read, failed] }));
  assert.deepEqual(batch.messages, []);
  assert.deepEqual(batch.statuses, [
    {
      waMessageId: "wamid.OUT5",
      status: "read",
      timestamp: AT,
      recipient: { waId: fx.CUSTOMER_WA_ID },
      errors: [],
      raw: read,
    },
    {
      waMessageId: "wamid.OUT4",
      status: "failed",
      timestamp: AT,
      recipient: { userId: fx.CUSTOMER_USER_ID },
      callbackData: "outbox:42",
      errors: [{ code: 131047, title: "Re-engagement", message: "Re-engagement", details: "24 hours" }],
      raw: failed,
    },
  ]);
});

Deno.test("parseWebhook() collects value-level errors", () => {
  const err = fx.metaError({ code: 131000, title: "Oops", message: "Something went wrong", details: "x" });
  const batch = parseWebhook(fx.webhookPayload({ errors: [err, { title: "no code: skipped" }] }));
  assert.deepEqual(batch.errors, [{
    code: 131000,
    title: "Oops",
    message: "Something went wrong",
    details: "x",
  }]);
});

Deno.test("parseWebhook() keeps unknown fields aside and reads every change of every entry", () => {
  const update = { phone_number: "250788000000", event: "VERIFIED_ACCOUNT" };
  const body = fx.webhookEnvelope([
    { field: "account_update", value: update },
    { field: "messages", value: fx.messagesValue({ messages: [fx.textMessage()] }) },
    { field: "messages", value: fx.messagesValue({ statuses: [fx.statusUpdate()] }) },
  ]);
  const batch = parseWebhook(body);
  assert.deepEqual(batch.otherFields, [{ field: "account_update", value: update }]);
  assert.equal(batch.messages.length, 1);
  assert.equal(batch.statuses.length, 1);
});

Deno.test("parseWebhook() drops an optional field of an unexpected shape and keeps it in raw", () => {
  const text = fx.textMessage({ extra: { text: { body: 42 } } });
  const location = fx.locationMessage({ extra: { location: { latitude: "-1.95", longitude: 30.06 } } });
  assert.deepEqual(fields(only(text)), { type: "text" });
  assert.deepEqual(fields(only(location)), { type: "location" });
});

Deno.test("parseWebhook() accepts an unknown top-level field and an empty entry list", () => {
  const batch = parseWebhook({ object: "whatsapp_business_account", entry: [], extra: true });
  assert.deepEqual(batch, { messages: [], statuses: [], errors: [], otherFields: [] });
});

const at = "entry[0].changes[0].value";
const withMessage = (extra: Record<string, unknown>) =>
  fx.webhookPayload({ messages: [fx.textMessage({ extra })] });
const withStatus = (extra: Record<string, unknown>) =>
  fx.webhookPayload({ statuses: [fx.statusUpdate({ extra })] });
const badCases: [string, unknown, string][] = [
  ["a string", "hello", "body must be an object"],
  ["null", null, "body must be an object"],
  ["no entry", { object: "whatsapp_business_account" }, "entry is missing"],
  ["entry not an array", { object: "whatsapp_business_account", entry: {} }, "entry must be an array"],
  [
    "another object",
    { ...fx.webhookPayload(), object: "page" },
    'object must be "whatsapp_business_account", not "page"',
  ],
  [
    "a second message without id",
    fx.webhookPayload({ messages: [fx.textMessage(), fx.textMessage({ extra: { id: undefined } })] }),
    `${at}.messages[1].id is missing`,
  ],
  [
    "a message without timestamp",
    withMessage({ timestamp: undefined }),
    `${at}.messages[0].timestamp is missing`,
  ],
  ["a message without type", withMessage({ type: undefined }), `${at}.messages[0].type is missing`],
  ["a message with a numeric id", withMessage({ id: 7 }), `${at}.messages[0].id must be a string`],
  [
    "a message with a bad timestamp",
    withMessage({ timestamp: "yesterday" }),
    `${at}.messages[0].timestamp must be a string of digits (seconds since 1970)`,
  ],
  [
    "a message without from or from_user_id",
    fx.webhookPayload({ messages: [fx.textMessage({ from: null })], contacts: [] }),
    `${at}.messages[0].from and from_user_id are both missing`,
  ],
  [
    "a message without metadata.phone_number_id",
    fx.webhookEnvelope([{ field: "messages", value: { messages: [fx.textMessage()] } }]),
    `${at}.metadata.phone_number_id is missing`,
  ],
  ["a status without id", withStatus({ id: undefined }), `${at}.statuses[0].id is missing`],
  ["a status without status", withStatus({ status: undefined }), `${at}.statuses[0].status is missing`],
  [
    "a status without timestamp",
    withStatus({ timestamp: undefined }),
    `${at}.statuses[0].timestamp is missing`,
  ],
];

for (const [name, body, message] of badCases) {
  Deno.test(`parseWebhook() rejects ${name} with 400: ${message}`, () => {
    assert.throws(() => parseWebhook(JSON.parse(JSON.stringify(body))), (err) => {
      assert.ok(err instanceof HttpError, `expected an HttpError, got ${String(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.code, "bad_request:webhook");
      assert.equal(err.message, message);
      return true;
    });
  });
}
