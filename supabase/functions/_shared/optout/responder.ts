/**
 * A typed STOP or START, handled in code before any other responder: the person is opted out of the
 * messages the business starts (receipts of their own money aside) or back in, and told so in their
 * language; the rest of the turn goes on to `next`. The same confirmation answers a repeated word,
 * so a turn retried after the call committed says what the first one would have.
 */
import { type Db, optIn, optOut } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { waIdOf } from "../msisdn.ts";
import { answerThenNext, type OutboundMessage, type Responder, text } from "../conversation/mod.ts";
import { answerLanguage, parseOptOutWord } from "./words.ts";
import { optOutText } from "./texts.ts";

/** Runs a turn's STOP and START words (typed, never heard in a voice note), then passes the rest on. */
export function withOptOut(d: { db: Db; log: Logger }, next: Responder): Responder {
  return async (turn) => {
    const { msisdn, role, language } = turn.sender;
    // whatsapp_opt_outs is keyed by the number: a sender known by a username alone passes through.
    const waId = waIdOf(msisdn);
    const parsed = turn.messages.map((m) => ({
      m,
      word: waId && m.type === "text" ? parseOptOutWord(m.text) : null,
    }));
    if (!waId || !parsed.some((p) => p.word)) return await next(turn);
    const answered: OutboundMessage[] = [];
    for (const { word } of parsed) {
      if (!word) continue;
      await turn.renewClaim?.();
      const changed = word.kind === "stop"
        ? await optOut(d.db, { p_wa_id: waId, p_source: "stop" })
        : await optIn(d.db, { p_wa_id: waId });
      d.log.info("optout", word.kind, { conversation_id: turn.conversationId, role, changed });
      const said = optOutText(word.kind, role, answerLanguage(word, language));
      if (!answered.some((a) => a.type === "text" && a.text === said)) answered.push(text(said));
    }
    return await answerThenNext(turn, answered, parsed.filter((p) => !p.word).map((p) => p.m), next);
  };
}
