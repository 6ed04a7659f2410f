import assert from "node:assert/strict";
import { parseWebhook } from "../../supabase/functions/_shared/whatsapp/mod.ts";
import { buttons, list } from "../../supabase/functions/_shared/conversation/mod.ts";
import {
  chatSettings,
  choiceWebhook,
  newWamid,
  parseChatArgs,
  statusWebhook,
  textWebhook,
} from "./chat_payload.ts";
import { mergeEnvFile, parseEnvFile } from "./env_file.ts";

const PHONE_NUMBER_ID = "100000000000001";
const NOW = new Date("2026-01-01T00:00:07.900Z");

Deno.test("textWebhook() from a phone number parses with parseWebhook into one text message", () => {
  const id = newWamid();
  const payload = textWebhook({
    phoneNumberId: PHONE_NUMBER_ID,
    sender: { waId: "250708123456", name: "Local customer" },
    body: "Muraho",
    id,
    now: NOW,
  });
  const batch = parseWebhook(payload);
  assert.equal(batch.messages.length, 1);
  const [message] = batch.messages;
  assert.equal(message!.waMessageId, id);
  assert.equal(message!.phoneNumberId, PHONE_NUMBER_ID);
  assert.equal(message!.type, "text");
  assert.equal(message!.text, "Muraho");
  assert.deepEqual(message!.sender, { waId: "250708123456", profileName: "Local customer" });
  assert.deepEqual(message!.timestamp, new Date("2026-01-01T00:00:07Z"));
  assert.deepEqual(batch.statuses, []);
});

Deno.test("textWebhook() from a username user carries from_user_id and no phone number", () => {
  const payload = textWebhook({
    phoneNumberId: PHONE_NUMBER_ID,
    sender: { userId: "RW.1502576394655843", name: "Local customer" },
    body: "Hello",
    id: newWamid(),
    now: NOW,
  });
  const [message] = parseWebhook(payload).messages;
  assert.deepEqual(message!.sender, { userId: "RW.1502576394655843", profileName: "Local customer" });
  assert.ok(!("from" in message!.raw));
});

Deno.test("statusWebhook() parses with parseWebhook into one status for the wa_id or the user id", () => {
  for (const recipient of [{ waId: "250708123456" }, { userId: "RW.1502576394655843" }]) {
    const batch = parseWebhook(
      statusWebhook({
        phoneNumberId: PHONE_NUMBER_ID,
        id: "wamid.LOCALX000001",
        status: "read",
        recipient,
        now: NOW,
      }),
    );
    assert.equal(batch.messages.length, 0);
    assert.equal(batch.statuses.length, 1);
    const [status] = batch.statuses;
    assert.equal(status!.waMessageId, "wamid.LOCALX000001");
    assert.equal(status!.status, "read");
    assert.deepEqual(status!.recipient, recipient);
    assert.equal(status!.callbackData, undefined);
  }
});

Deno.test("statusWebhook() echoes the send's callback data, as Meta does", () => {
  const [status] = parseWebhook(
    statusWebhook({
      phoneNumberId: PHONE_NUMBER_ID,
      id: "wamid.LOCALX000001",
      status: "delivered",
      recipient: { waId: "250708123456" },
      now: NOW,
      callbackData: "b9fad830-d63f-4f85-ab87-7d2a1c3e4f50",
    }),
  ).statuses;
  assert.equal(status!.callbackData, "b9fad830-d63f-4f85-ab87-7d2a1c3e4f50");
});

Deno.test("parseChatArgs() writes as the seeded customer by default and as the seeded operator with --as", () => {
  assert.deepEqual(parseChatArgs([]), {
    sender: { waId: "250708123456", name: "Local customer" },
    url: "http://127.0.0.1:54321",
    help: false,
  });
  assert.deepEqual(parseChatArgs(["--as", "operator"]).sender, {
    waId: "250708000001",
    name: "Local operator",
  });
  assert.throws(() => parseChatArgs(["--as", "admin"]), /--as must be customer or operator/);
  assert.throws(() => parseChatArgs(["--nope"]));
});

Deno.test("parseChatArgs() normalises --from to digits and takes --user-id without a number", () => {
  assert.equal(parseChatArgs(["--from", "0708 654 321"]).sender.waId, "250708654321");
  assert.equal(parseChatArgs(["--from", "+33 6 12 34 56 78"]).sender.waId, "33612345678");
  assert.throws(() => parseChatArgs(["--from", "12ab"]), /--from: /);
  assert.deepEqual(parseChatArgs(["--user-id", "RW.1502576394655843"]).sender, {
    userId: "RW.1502576394655843",
    name: "Local customer",
  });
  assert.deepEqual(parseChatArgs(["--user-id", "RW.1", "--from", "0708123456"]).sender, {
    waId: "250708123456",
    userId: "RW.1",
    name: "Local customer",
  });
  assert.equal(parseChatArgs(["--url", "http://127.0.0.1:9999/"]).url, "http://127.0.0.1:9999");
});

Deno.test("parseChatArgs() writes to the stack it is given (the .env's SUPABASE_URL) unless --url says otherwise", () => {
  assert.equal(parseChatArgs([], "http://127.0.0.1:35205").url, "http://127.0.0.1:35205");
  assert.equal(
    parseChatArgs(["--url", "http://127.0.0.1:9999"], "http://127.0.0.1:35205").url,
    "http://127.0.0.1:9999",
  );
  assert.equal(parseChatArgs([]).url, "http://127.0.0.1:54321");
});

Deno.test("chatSettings() takes the environment over the env file and the first of two app secrets", () => {
  const file = parseEnvFile(
    "# comment\nWHATSAPP_APP_SECRET=file-secret,next\nWHATSAPP_PHONE_NUMBER_ID=1\nOTHER=x\n",
  );
  assert.deepEqual(chatSettings(mergeEnvFile({}, file)), { secret: "file-secret", phoneNumberId: "1" });
  assert.deepEqual(
    chatSettings(mergeEnvFile({ WHATSAPP_APP_SECRET: "env-secret", WHATSAPP_PHONE_NUMBER_ID: "" }, file)),
    {
      secret: "env-secret",
      phoneNumberId: "1",
    },
  );
  assert.throws(
    () => chatSettings(mergeEnvFile({}, {})),
    /WHATSAPP_APP_SECRET and WHATSAPP_PHONE_NUMBER_ID not set/,
  );
});

Deno.test("a number alone taps that button of the last buttons, or picks that row of the last list", () => {
  const sender = { waId: "250708123456", name: "Local customer" };
  const base = { phoneNumberId: "PNID", sender, id: "wamid.X", now: new Date(0) };
  const offered = buttons("Go?", [{ id: "confirm:4821", title: "Confirm" }, {
    id: "cancel:4821",
    title: "Cancel",
  }]);
  const tapped = choiceWebhook({ ...base, offered, line: " 2 " });
  const parsed = parseWebhook(tapped, { phoneNumberId: "PNID" });
  assert.deepEqual(parsed.messages[0]?.reply, { kind: "button_reply", id: "cancel:4821", title: "Cancel" });

  const menu = list("Menu", "Menu", [{ id: "menu:vouchers", title: "My vouchers" }]);
  const picked = parseWebhook(choiceWebhook({ ...base, offered: menu, line: "1" }), {
    phoneNumberId: "PNID",
  });
  assert.deepEqual(picked.messages[0]?.reply, {
    kind: "list_reply",
    id: "menu:vouchers",
    title: "My vouchers",
  });

  for (const line of ["3", "0", "yes", "1 2", ""]) {
    assert.equal(choiceWebhook({ ...base, offered, line }), null, `${JSON.stringify(line)} is typed text`);
  }
  assert.equal(choiceWebhook({ ...base, offered: undefined, line: "1" }), null, "nothing offered");
});
