/** The responder the webhook uses while the agent is not there: the deterministic menu, on the database. */
import type { Db } from "../db/mod.ts";
import { type CustomerSummary, menuReply } from "../menu/mod.ts";
import type { Responder } from "./process.ts";

/** The menu, with the sender's own record and (operators only) any customer's, from lookup_customer. */
export function menuResponder(db: Db): Responder {
  const lookup = async (msisdn: string) =>
    await db.rpc("lookup_customer", { p_msisdn: msisdn }) as unknown as CustomerSummary | null;
  return async (turn) => {
    const { sender } = turn;
    const reply = await menuReply({
      role: sender.role,
      language: sender.language ?? undefined,
      messages: turn.messages.map((m) => ({ type: m.type, text: m.body ?? undefined })),
      self: () => (sender.msisdn ? lookup(sender.msisdn) : Promise.resolve(null)),
      lookup,
    });
    return { text: reply.text, handoff: reply.handoff };
  };
}

const SLOW_DOWN: Record<string, string> = {
  en: "You are sending messages very quickly. Please wait a minute, then write again.",
  fr: "Vous envoyez des messages très vite. Merci de patienter une minute avant d'écrire à nouveau.",
  rw: "Muri kohereza ubutumwa bwinshi cyane. Mwihangane umunota umwe, hanyuma mwongere mwandike.",
};

/** The one note a sender over the per-minute budget gets, in their language (English otherwise). */
export function slowDownNote(language: string | null): string {
  return SLOW_DOWN[language ?? "en"] ?? SLOW_DOWN.en!;
}
