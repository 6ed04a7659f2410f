/**
 * offer_choices: the model asks a closed question, and the person answers with a tap. The question
 * goes out as reply buttons after the model's reply (agent/responder.ts); a tap comes back as a
 * message whose text is the choice's title. Meta's limits (2 or 3 buttons, titles of at most 20
 * characters) are checked here, so arguments over them are refused to the model, never sent.
 */
import { z } from "zod";
import { defineTool } from "./tool.ts";

/** The tool's name, which the responder looks for among a turn's calls. */
export const OFFER_CHOICES = "offer_choices";
/** Meta's limits on reply buttons. */
const MIN_CHOICES = 2;
const MAX_CHOICES = 3;
const MAX_TITLE = 20;
const MAX_QUESTION = 1024;

// The limits are checked in refinements, not as JSON-schema keywords, so that the model's schema
// stays within what strict function calling accepts, and a call over them gets a sentence back.
const schema = z.strictObject({
  question: z.string().describe(`The closed question, at most ${MAX_QUESTION} characters`)
    .refine((q) => q.trim().length > 0 && q.length <= MAX_QUESTION, {
      message: `The question must have 1 to ${MAX_QUESTION} characters`,
    }),
  choices: z.array(z.strictObject({
    title: z.string().describe(`The answer as the button shows it, at most ${MAX_TITLE} characters`),
  })).describe(`${MIN_CHOICES} or ${MAX_CHOICES} answers`)
    .refine((cs) => cs.length >= MIN_CHOICES && cs.length <= MAX_CHOICES, {
      message:
        `Give ${MIN_CHOICES} or ${MAX_CHOICES} choices (WhatsApp shows at most ${MAX_CHOICES} buttons)`,
    })
    .refine((cs) => cs.every((c) => c.title.trim().length > 0 && c.title.trim().length <= MAX_TITLE), {
      message: `Each choice's title must have 1 to ${MAX_TITLE} characters`,
    })
    .refine((cs) => new Set(cs.map((c) => c.title.trim().toLowerCase())).size === cs.length, {
      message: "The choices' titles must differ",
    }),
});

/** A question with its choices, as the model gave them (checked). */
export type ChoicesOffer = z.output<typeof schema>;

/** The offer in a successful call's arguments, or null when they are not one. */
export function readOffer(args: unknown): ChoicesOffer | null {
  const parsed = schema.safeParse(args);
  return parsed.success ? parsed.data : null;
}

export default defineTool({
  name: OFFER_CHOICES,
  description: `Asks a closed question with ${MIN_CHOICES} or ${MAX_CHOICES} fixed answers, shown as ` +
    `buttons the person taps (titles of at most ${MAX_TITLE} characters). The question and its buttons ` +
    "are sent after your reply: do not repeat the question in your reply. A tap comes back as a " +
    "message whose text is the chosen title.",
  schema,
  roles: ["customer", "operator"],
  run: () => Promise.resolve({ offered: true }),
});
