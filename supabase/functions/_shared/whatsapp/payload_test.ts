import assert from "node:assert/strict";
import { parseWebhook } from "./payload.ts";
import type { InboundMessage } from "./types.ts";
import * as fx from "../../_testing/meta.ts";

const AT = new Date(fx.FIXTURE_SECONDS * 1000);
const SENDER = { waId: fx.CUSTOMER_WA_ID, profileName: fx.CUSTOMER_NAME };

/** Parses a payload holding just `m` and returns the one message it carried. */
function only(m: Record<string, unknown>): InboundMessage {
  const batch = parseWebhook(fx.webhookPayload({ messages: [m] }));
  assert.equal(batch.messages.length, 1);
  const [msg] = batch.messages;
  assert.ok(msg);
  assert.deepEqual(msg.raw, m);
  return msg;
}

/** The normalised fields of a message, without the ones every test repeats. */
function fields(msg: InboundMessage): Partial<InboundMessage> {
  const { waMessageId: _id, phoneNumberId: _p, sender: _s, timestamp: _t, raw: _r, path: _at, ...rest } = msg;
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
    path: "entry[0].changes[0].value.messages[0]",
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
      path: "entry[0].changes[0].value.statuses[0]",
    },
    {
      waMessageId: "wamid.OUT4",
      status: "failed",
      timestamp: AT,
      recipient: { userId: fx.CUSTOMER_USER_ID },
      callbackData: "outbox:42",
      errors: [{ code: 131047, title: "Re-engagement", message: "Re-engagement", details: "24 hours" }],
      raw: failed,
      path: "entry[0].changes[0].value.statuses[1]",
    },
  ]);
});

Deno.test("parseWebhook() collects value-level errors and rejects one without a code", () => {
  const err = fx.metaError({ code: 131000, title: "Oops", message: "Something went wrong", details: "x" });
  const batch = parseWebhook(fx.webhookPayload({ errors: [err, { title: "no code: skipped" }] }));
  assert.deepEqual(batch.errors, [{
    code: 131000,
    title: "Oops",
    message: "Something went wrong",
    details: "x",
  }]);
  assert.deepEqual(batch.rejected, [{
    kind: "invalid",
    path: "entry[0].changes[0].value.errors[1]",
    reason: "code is missing",
    value: { title: "no code: skipped" },
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
  assert.deepEqual(batch, { messages: [], statuses: [], errors: [], otherFields: [], rejected: [] });
});

const at = "entry[0].changes[0].value";
const withMessage = (extra: Record<string, unknown>) =>
  fx.webhookPayload({ messages: [fx.textMessage({ extra }), fx.textMessage({ id: "wamid.GOOD" })] });
const withStatus = (extra: Record<string, unknown>) =>
  fx.webhookPayload({ statuses: [fx.statusUpdate({ extra }), fx.statusUpdate({ id: "wamid.GOOD" })] });
/** A body, the element it rejects ("path reason"), and whether a good sibling is kept. */
const badCases: [string, unknown, string][] = [
  ["entry not an array", { object: "whatsapp_business_account", entry: {} }, "entry must be an array"],
  [
    "an entry that is a string",
    { object: "whatsapp_business_account", entry: ["x"] },
    "entry[0] must be an object",
  ],
  [
    "a change without a field",
    { object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ value: {} }] }] },
    "entry[0].changes[0] must be an object with a field",
  ],
  ["a message without id", withMessage({ id: undefined }), `${at}.messages[0] id is missing`],
  ["a message without type", withMessage({ type: undefined }), `${at}.messages[0] type is missing`],
  ["a message with a numeric id", withMessage({ id: 7 }), `${at}.messages[0] id must be a string`],
  [
    "a message that is a number",
    fx.webhookPayload({ messages: [42 as never, fx.textMessage({ id: "wamid.GOOD" })] }),
    `${at}.messages[0] must be an object`,
  ],
  [
    "a message without from or from_user_id",
    fx.webhookPayload({
      messages: [fx.textMessage({ from: null }), fx.textMessage({ id: "wamid.GOOD" })],
      contacts: [],
    }),
    `${at}.messages[0] from and from_user_id are both missing`,
  ],
  [
    "a message without metadata.phone_number_id",
    fx.webhookEnvelope([{ field: "messages", value: { messages: [fx.textMessage()] } }]),
    `${at}.messages[0] has no metadata.phone_number_id`,
  ],
  [
    "messages that is not an array",
    fx.webhookPayload({ messages: "x" as never }),
    `${at}.messages must be an array`,
  ],
  ["a status without id", withStatus({ id: undefined }), `${at}.statuses[0] id is missing`],
  ["a status without status", withStatus({ status: undefined }), `${at}.statuses[0] status is missing`],
  [
    "a malformed contact",
    fx.webhookPayload({ messages: [fx.textMessage({ id: "wamid.GOOD" })], contacts: [7 as never] }),
    `${at}.contacts[0] must be an object`,
  ],
];

for (const [name, body, rejected] of badCases) {
  Deno.test(`parseWebhook() keeps ${name} aside as "${rejected}", never throws, and reads the rest`, () => {
    const batch = parseWebhook(JSON.parse(JSON.stringify(body)));
    assert.deepEqual(batch.rejected.map((r) => `${r.path} ${r.reason}`), [rejected]);
    assert.ok(batch.rejected.every((r) => r.kind === "invalid"));
    const good = [...batch.messages, ...batch.statuses].map((e) => e.waMessageId);
    if (JSON.stringify(body).includes("wamid.GOOD")) {
      assert.deepEqual(good, ["wamid.GOOD"], "the sibling is kept");
    }
  });
}

Deno.test("parseWebhook() reads a message and a status without a timestamp, or with one no clock holds", () => {
  for (const timestamp of [undefined, "99999999999999", "-5", "yesterday", 1e300]) {
    const batch = parseWebhook(fx.webhookPayload({
      messages: [fx.textMessage({ extra: { timestamp } })],
      statuses: [fx.statusUpdate({ extra: { timestamp } })],
    }));
    assert.deepEqual(batch.rejected, [], String(timestamp));
    assert.equal(batch.messages[0]?.timestamp, undefined);
    assert.equal(batch.statuses[0]?.timestamp, undefined);
  }
});

Deno.test("parseWebhook() ignores another object and a body that is not an object, reading nothing", () => {
  assert.equal(parseWebhook({ object: "page", entry: [] }).ignored, 'object is "page"');
  assert.equal(parseWebhook("hello").ignored, "body is not a JSON object");
  assert.equal(parseWebhook(null).ignored, "body is not a JSON object");
});

Deno.test("parseWebhook() keeps messages and statuses for another business number aside as foreign", () => {
  const body = fx.webhookPayload({ messages: [fx.textMessage()], statuses: [fx.statusUpdate()] });
  const batch = parseWebhook(body, { phoneNumberId: "999999999999999" });
  assert.deepEqual(batch.messages, []);
  assert.deepEqual(batch.statuses, []);
  assert.deepEqual(batch.rejected.map((r) => [r.kind, r.path]), [
    ["foreign", `${at}.messages[0]`],
    ["foreign", `${at}.statuses[0]`],
  ]);
  assert.equal(parseWebhook(body, { phoneNumberId: fx.PHONE_NUMBER_ID }).messages.length, 1);
});

Deno.test("parseWebhook() replaces U+0000 and lone surrogates before Postgres sees them", () => {
  const raw = JSON.stringify(fx.webhookPayload({ messages: [fx.textMessage({ body: "a" })] }))
    .replace('"body":"a"', '"body":"a\\u0000b\\ud800c"');
  const [message] = parseWebhook(JSON.parse(raw)).messages;
  assert.equal(message?.text, "a\uFFFDb\uFFFDc");
});
