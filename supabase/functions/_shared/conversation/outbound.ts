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

export const OutboundMessage = z.discriminatedUnion("type", [TextMessage, TemplateMessage]);
/** A message to send: plain text, or an approved template (the only kind WhatsApp delivers outside
 * the 24-hour customer-service window). */
export type OutboundMessage = z.infer<typeof OutboundMessage>;
/** An approved template with its parameters. */
export type TemplateMessage = z.infer<typeof TemplateMessage>;

/** A text message. */
export function text(body: string): OutboundMessage {
  return { type: "text", text: body };
}

/** What a person reads of a message: a text's words, a template's parameters. */
export function plainText(message: OutboundMessage): string {
  return message.type === "text" ? message.text : message.parameters.join(" ");
}

/** The replies' texts joined as one message, as a person would write them: a blank line between. */
export function joinTexts(messages: readonly OutboundMessage[]): OutboundMessage[] {
  const texts = messages.flatMap((m) => (m.type === "text" ? [m.text] : []));
  const others = messages.filter((m) => m.type !== "text");
  return texts.length ? [text(texts.join("\n\n")), ...others] : others;
}
