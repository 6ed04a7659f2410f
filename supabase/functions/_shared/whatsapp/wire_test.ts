import assert from "node:assert/strict";
import { buttons, list } from "../conversation/mod.ts";
import { decodeSend, encodeSend, SendBody } from "./wire.ts";

const to = { waId: "250788000001" };

Deno.test("buttons go as Meta's interactive button body, and read back the same", () => {
  const m = buttons("Go ahead?", [{ id: "confirm:4821", title: "Confirm" }, {
    id: "cancel:4821",
    title: "Cancel",
  }]);
  const body = encodeSend(to, m, "row-1");
  assert.deepEqual(body, {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: "250788000001",
    biz_opaque_callback_data: "row-1",
    type: "interactive",
    interactive: {
      type: "button",
      body: { text: "Go ahead?" },
      action: {
        buttons: [
          { type: "reply", reply: { id: "confirm:4821", title: "Confirm" } },
          { type: "reply", reply: { id: "cancel:4821", title: "Cancel" } },
        ],
      },
    },
  });
  assert.deepEqual(decodeSend(SendBody.parse(body)), { to, message: m, callbackData: "row-1" });
});

Deno.test("a list goes as Meta's interactive list body with one section, and reads back the same", () => {
  const m = list("Menu", "Open the menu", [{
    id: "vouchers",
    title: "My vouchers",
    description: "What you hold",
  }]);
  const body = encodeSend(to, m);
  assert.equal(body.type, "interactive");
  assert.deepEqual(body.type === "interactive" && body.interactive, {
    type: "list",
    body: { text: "Menu" },
    action: {
      button: "Open the menu",
      sections: [{ rows: [{ id: "vouchers", title: "My vouchers", description: "What you hold" }] }],
    },
  });
  assert.deepEqual(decodeSend(SendBody.parse(body)).message, m);
});

Deno.test("an interactive body over Meta's limits is refused, as Meta refuses it", () => {
  const reply = (i: number) => ({ type: "reply", reply: { id: `b${i}`, title: `B${i}` } });
  const body = {
    messaging_product: "whatsapp",
    to: "250788000001",
    type: "interactive",
    interactive: { type: "button", body: { text: "x" }, action: { buttons: [0, 1, 2, 3].map(reply) } },
  };
  assert.equal(SendBody.safeParse(body).success, false, "four buttons");
  const long = {
    ...body,
    interactive: {
      ...body.interactive,
      action: { buttons: [{ type: "reply", reply: { id: "a", title: "x".repeat(21) } }] },
    },
  };
  assert.equal(SendBody.safeParse(long).success, false, "a 21-character title");
});
