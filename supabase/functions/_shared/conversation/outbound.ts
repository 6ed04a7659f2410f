/**
 * Outbound messages as data: what a responder answers and what the outbox stores. A channel turns
 * each into its wire format (WhatsApp: whatsapp/wire.ts); adding a kind is a variant here and its
 * encoding there.
 */
import { z } from "zod";

const TextMessage = z.object({ type: z.literal("text"), text: z.string() });
const TemplateMessage = z.object({
  type: z.literal("template"),
  /** An approved template's name and language code ("voucher_update", "en"). */
  name: z.string(),
  language: z.string(),
  /** The body's {{1}}, {{2}}, ... values. */
  parameters: z.array(z.string()),
});

/** A choice a person taps: its id comes back with the tap, its title is what they see (Meta: <= 20). */
export const Choice = z.object({ id: z.string().min(1).max(256), title: z.string().trim().min(1).max(20) });
/** Reply buttons under a body: at most 3, ids distinct (Meta's limits). */
const ButtonsMessage = z.object({
  type: z.literal("buttons"),
  text: z.string().trim().min(1).max(1024),
  buttons: z.array(Choice).min(1).max(3).refine(distinctIds, "button ids must be distinct"),
});
/** A list opened by a button label: at most 10 rows, titles <= 24, descriptions <= 72 (Meta's limits). */
const ListRow = z.object({
  id: z.string().min(1).max(200),
  title: z.string().trim().min(1).max(24),
  description: z.string().max(72).optional(),
});
const ListMessage = z.object({
  type: z.literal("list"),
  text: z.string().trim().min(1).max(4096),
  button: z.string().trim().min(1).max(20),
  rows: z.array(ListRow).min(1).max(10).refine(distinctIds, "row ids must be distinct"),
});

function distinctIds(items: readonly { id: string }[]): boolean {
  return new Set(items.map((i) => i.id)).size === items.length;
}

export const OutboundMessage = z.discriminatedUnion("type", [
  TextMessage,
  TemplateMessage,
  ButtonsMessage,
  ListMessage,
]);
/** A message to send: plain text, an approved template (the only kind WhatsApp delivers outside
 * the 24-hour customer-service window), reply buttons, or a list. */
export type OutboundMessage = z.infer<typeof OutboundMessage>;
/** An approved template with its parameters. */
export type TemplateMessage = z.infer<typeof TemplateMessage>;
/** A button: the id its tap carries, the title shown. */
export type Choice = z.infer<typeof Choice>;
/** A list's row. */
export type ListRow = z.infer<typeof ListRow>;

/** A text message. */
export function text(body: string): OutboundMessage {
  return { type: "text", text: body };
}

/** Reply buttons under `body`, checked against Meta's limits (throws when over them). */
export function buttons(body: string, choices: readonly Choice[]): OutboundMessage {
  return OutboundMessage.parse({ type: "buttons", text: body, buttons: choices });
}

/** A list under `body`, opened by `label`, checked against Meta's limits (throws when over them). */
export function list(body: string, label: string, rows: readonly ListRow[]): OutboundMessage {
  return OutboundMessage.parse({ type: "list", text: body, button: label, rows });
}

/** What a person reads of a message: a text's words, a template's parameters, a body and its choices
 * numbered (the fallback where a channel cannot show buttons or lists). */
export function plainText(message: OutboundMessage): string {
  switch (message.type) {
    case "text":
      return message.text;
    case "template":
      return message.parameters.join(" ");
    case "buttons":
      return numbered(message.text, message.buttons);
    case "list":
      return numbered(message.text, message.rows);
  }
}

function numbered(body: string, choices: readonly (Choice | ListRow)[]): string {
  const lines = choices.map((c, i) =>
    `${i + 1}. ${c.title}${"description" in c && c.description ? ` (${c.description})` : ""}`
  );
  return [body, ...lines].join("\n");
}

/** The choices a message offers (buttons or rows), none for a text or template. */
export function choicesOf(message: OutboundMessage): (Choice | ListRow)[] {
  return message.type === "buttons" ? message.buttons : message.type === "list" ? message.rows : [];
}

/** The replies' texts joined as one message, as a person would write them: a blank line between. */
export function joinTexts(messages: readonly OutboundMessage[]): OutboundMessage[] {
  const texts = messages.flatMap((m) => (m.type === "text" ? [m.text] : []));
  const others = messages.filter((m) => m.type !== "text");
  return texts.length ? [text(texts.join("\n\n")), ...others] : others;
}
