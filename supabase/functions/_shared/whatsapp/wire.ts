/**
 * Meta's wire format for what the business sends, written once: the message body the Graph API takes,
 * the read receipt, and the answers it gives. The client encodes with it; the fake Graph API of
 * supabase/functions/_testing decodes with it. A new kind of outbound message is its variant of
 * OutboundMessage (conversation/outbound.ts) and its case here.
 */
import { z } from "zod";
import { OutboundMessage } from "../conversation/mod.ts";
import { isObject } from "../json.ts";
import { MAX_TEXT_LENGTH } from "./split.ts";
import type { MetaError, Recipient } from "./types.ts";

const address = {
  messaging_product: z.literal("whatsapp", 'messaging_product must be "whatsapp"'),
  recipient_type: z.literal("individual", 'recipient_type must be "individual"').optional(),
  /** The phone number (wa_id) of the person, or, for a username user, `recipient`. */
  to: z.string().min(1).optional(),
  /** The business-scoped user id (BSUID) of a username user. */
  recipient: z.string().min(1).optional(),
  /** Echoed back in the message's statuses: the outbox row's id. */
  biz_opaque_callback_data: z.string().max(512, "biz_opaque_callback_data is over 512 characters").optional(),
};

const TextBody = z.object({
  ...address,
  type: z.literal("text"),
  text: z.object({
    preview_url: z.boolean().optional(),
    body: z.string()
      .refine((s) => s.trim() !== "", "text.body is empty")
      .refine((s) => s.length <= MAX_TEXT_LENGTH, {
        error: (issue) => `text.body is ${String(issue.input).length} characters, over ${MAX_TEXT_LENGTH}`,
      }),
  }),
});

const TemplateBody = z.object({
  ...address,
  type: z.literal("template"),
  template: z.object({
    name: z.string().min(1, "template.name is empty"),
    language: z.object({ code: z.string().min(1, "template.language.code is empty") }),
    components: z.array(z.object({
      type: z.literal("body"),
      parameters: z.array(z.object({ type: z.literal("text"), text: z.string().min(1) })),
    })).optional(),
  }),
});

const reply = z.object({ id: z.string().min(1), title: z.string().min(1) });
const row = z.object({ id: z.string().min(1), title: z.string().min(1), description: z.string().optional() });
/** Meta's interactive bodies: reply buttons and a single-section list (limits checked by OutboundMessage). */
const InteractiveBody = z.object({
  ...address,
  type: z.literal("interactive"),
  interactive: z.discriminatedUnion("type", [
    z.object({
      type: z.literal("button"),
      body: z.object({ text: z.string().min(1) }),
      action: z.object({ buttons: z.array(z.object({ type: z.literal("reply"), reply })) }),
    }),
    z.object({
      type: z.literal("list"),
      body: z.object({ text: z.string().min(1) }),
      action: z.object({
        button: z.string().min(1),
        sections: z.array(z.object({ title: z.string().optional(), rows: z.array(row) })).length(1),
      }),
    }),
  ]),
});

/** A message as POST /{phone-number-id}/messages takes it. */
export const SendBody = z.discriminatedUnion("type", [TextBody, TemplateBody, InteractiveBody], {
  error: (issue) =>
    `type ${
      JSON.stringify(isObject(issue.input) ? issue.input.type : undefined)
    } is not a message type this service sends`,
}).refine((b) => (b.to === undefined) !== (b.recipient === undefined), {
  error: "exactly one of to and recipient must be given",
}).check((ctx) => {
  // Meta's limits on buttons and lists (a 21-character title, a fourth button) are OutboundMessage's.
  if (ctx.value.type !== "interactive") return;
  const limits = OutboundMessage.safeParse(decodeMessage(ctx.value));
  for (const issue of limits.success ? [] : limits.error.issues) {
    ctx.issues.push({
      code: "custom",
      message: `interactive: ${issue.path.join(".")} ${issue.message}`,
      input: ctx.value,
    });
  }
});
export type SendBody = z.infer<typeof SendBody>;

/** The read receipt (with the typing indicator when asked) as the same endpoint takes it. */
export const ReadBody = z.object({
  messaging_product: z.literal("whatsapp", 'messaging_product must be "whatsapp"'),
  status: z.literal("read"),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal("text") }).optional(),
});
export type ReadBody = z.infer<typeof ReadBody>;

/** The body that sends `message` to `to`, carrying `callbackData`. */
export function encodeSend(to: Recipient, message: OutboundMessage, callbackData?: string): SendBody {
  const envelope = {
    messaging_product: "whatsapp" as const,
    recipient_type: "individual" as const,
    ...(to.waId ? { to: to.waId } : to.userId ? { recipient: to.userId } : {}),
    ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}),
  };
  switch (message.type) {
    case "text":
      return { ...envelope, type: "text", text: { preview_url: false, body: message.text } };
    case "template": {
      const parameters = message.parameters.map((text) => ({ type: "text" as const, text }));
      const { name, language } = message;
      return {
        ...envelope,
        type: "template",
        template: {
          name,
          language: { code: language },
          ...(parameters.length ? { components: [{ type: "body", parameters }] } : {}),
        },
      };
    }
    case "buttons": {
      const buttons = message.buttons.map(({ id, title }) => ({
        type: "reply" as const,
        reply: { id, title },
      }));
      return {
        ...envelope,
        type: "interactive",
        interactive: { type: "button", body: { text: message.text }, action: { buttons } },
      };
    }
    case "list":
      return {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "list",
          body: { text: message.text },
          action: { button: message.button, sections: [{ rows: message.rows }] },
        },
      };
  }
}

/** What a send body says: to whom, what, with which callback data. */
export function decodeSend(
  body: SendBody,
): { to: Recipient; message: OutboundMessage; callbackData?: string } {
  const to = body.to ? { waId: body.to } : { userId: body.recipient };
  const callbackData = body.biz_opaque_callback_data;
  return { to, message: decodeMessage(body), ...(callbackData ? { callbackData } : {}) };
}

function decodeMessage(body: SendBody): OutboundMessage {
  switch (body.type) {
    case "text":
      return { type: "text", text: body.text.body };
    case "template":
      return {
        type: "template",
        name: body.template.name,
        language: body.template.language.code,
        parameters: (body.template.components ?? []).flatMap((c) => c.parameters.map((p) => p.text)),
      };
    case "interactive": {
      const i = body.interactive;
      return i.type === "button"
        ? { type: "buttons", text: i.body.text, buttons: i.action.buttons.map((b) => b.reply) }
        : { type: "list", text: i.body.text, button: i.action.button, rows: i.action.sections[0]!.rows };
    }
  }
}

/** The read receipt of an inbound message. */
export function encodeRead(waMessageId: string, typing: boolean): ReadBody {
  return {
    messaging_product: "whatsapp",
    status: "read",
    message_id: waMessageId,
    ...(typing ? { typing_indicator: { type: "text" as const } } : {}),
  };
}

/** Meta's answer to a send: the new message's id. */
export const SendAnswer = z.looseObject({
  messages: z.tuple([z.looseObject({ id: z.string() })], z.unknown()),
});
/** Meta's answer to a read receipt. */
export const ReadAnswer = z.looseObject({ success: z.literal(true) });

const ErrorAnswer = z.looseObject({
  error: z.looseObject({
    code: z.number(),
    message: z.string().optional(),
    error_user_title: z.string().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
  }),
});

/** Meta's `{"error":{message, code, error_user_title?, error_data:{details}}}`, when the answer is one. */
export function metaErrorOf(answer: unknown): MetaError | undefined {
  const parsed = ErrorAnswer.safeParse(answer);
  if (!parsed.success) return undefined;
  const { code, message, error_user_title: title, error_data: data } = parsed.data.error;
  return {
    code,
    ...(message !== undefined ? { message } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(data?.details !== undefined ? { details: data.details } : {}),
  };
}
