/** What a person is told after a typed STOP or START, in en, fr, rw and sw. */
import type { Role } from "../conversation/mod.ts";
import { inLanguage, type TextsByLanguage } from "../texts.ts";

/** A customer's STOP: what stops, what still comes (receipts, answers), how to undo it. */
const STOPPED: TextsByLanguage = {
  en: "Done: you will no longer get messages we start ourselves, such as notices and reminders. " +
    "You will still get receipts for your own vouchers, and answers when you write to us. " +
    "To turn them back on, send START.",
  fr: "C'est fait : vous ne recevrez plus les messages que nous envoyons de nous-mêmes, comme les avis et " +
    "les rappels. Vous recevrez toujours les reçus de vos propres bons, et nos réponses quand vous nous " +
    "écrivez. Pour les réactiver, envoyez DÉMARRER.",
  rw: "Byakozwe: ntuzongera kubona ubutumwa twohereza ubwacu, nk'amatangazo n'ibyibutsa. " +
    "Uzakomeza kubona inyemezabwishyu za voucher zawe, n'ibisubizo iyo utwandikiye. " +
    "Kugira ngo wongere ububone, ohereza TANGIRA.",
  sw: "Imefanyika: hutapokea tena ujumbe tunaoanzisha sisi, kama matangazo na vikumbusho. " +
    "Bado utapokea risiti za vocha zako mwenyewe, na majibu unapotuandikia. " +
    "Ili kuuwasha tena, tuma ANZA.",
};

/** An operator's STOP: approval requests and staff alerts stop too, so they are told plainly. */
const STOPPED_OPERATOR: TextsByLanguage = {
  en:
    "Done: this number will no longer get approval requests or staff alerts, nor other messages we start. " +
    "You will still get receipts for your own vouchers, and answers when you write to us. " +
    "To get them again, send START.",
  fr: "C'est fait : ce numéro ne recevra plus les demandes d'approbation ni les alertes du personnel, ni " +
    "les autres messages que nous envoyons de nous-mêmes. Vous recevrez toujours les reçus de vos propres " +
    "bons, et nos réponses quand vous nous écrivez. Pour les recevoir à nouveau, envoyez DÉMARRER.",
  rw: "Byakozwe: iyi nimero ntizongera kubona ubusabe bwo kwemeza cyangwa amatangazo y'abakozi, " +
    "cyangwa ubundi butumwa twohereza ubwacu. Uzakomeza kubona inyemezabwishyu za voucher zawe, " +
    "n'ibisubizo iyo utwandikiye. Kugira ngo wongere ububone, ohereza TANGIRA.",
  sw: "Imefanyika: namba hii haitapokea tena maombi ya kuidhinisha wala arifa za wafanyakazi, wala ujumbe " +
    "mwingine tunaoanzisha sisi. Bado utapokea risiti za vocha zako mwenyewe, na majibu unapotuandikia. " +
    "Ili kuvipata tena, tuma ANZA.",
};

/** START: the messages come again, and how to stop them. */
const STARTED: TextsByLanguage = {
  en: "Done: you will get our notices and reminders again. To stop them, send STOP.",
  fr: "C'est fait : vous recevrez à nouveau nos avis et rappels. Pour les arrêter, envoyez ARRÊT.",
  rw: "Byakozwe: uzongera kubona amatangazo n'ibyibutsa byacu. Kugira ngo ubihagarike, ohereza HAGARIKA.",
  sw: "Imefanyika: utapokea tena matangazo na vikumbusho vyetu. Ili kuvisitisha, tuma SITISHA.",
};

/** The confirmation of a STOP or START, in `language`; an operator's STOP warns what they will miss. */
export function optOutText(kind: "stop" | "start", role: Role, language: string): string {
  if (kind === "start") return inLanguage(STARTED, language);
  return inLanguage(role === "operator" ? STOPPED_OPERATOR : STOPPED, language);
}
