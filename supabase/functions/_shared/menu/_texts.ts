/** Every sentence the menu sends, in English, French and Kinyarwanda. */
import type { VoucherStatus } from "../db/mod.ts";
import type { Language } from "./_types.ts";

/** The sentences of one language. */
export interface Texts {
  hi: string;
  welcome: string;
  customerMenu: string;
  operatorMenu: string;
  yourVouchers: string;
  readyToUse: string;
  more: (n: number) => string;
  noVouchers: string;
  notRegistered: string;
  /** Labels of the per-status count lines, with their colon. */
  counts: Record<VoucherStatus, string>;
  /** A single voucher's status, in a list. */
  status: Record<VoucherStatus, string>;
  recent: string;
  noCustomer: (msisdn: string) => string;
  invalidNumber: (raw: string) => string;
  lookupHow: string;
  human: string;
  nonText: string;
}

/** The menu's sentences by language. */
export const TEXTS: Record<Language, Texts> = {
  en: {
    hi: "Hello!",
    welcome: "Welcome to the voucher service.",
    customerMenu: "*Menu*\n1. My vouchers\n2. Talk to a person\n3. My profile\nReply *1*, *2* or *3*.",
    operatorMenu: [
      "*Operator menu*",
      "• Look up a customer: *lookup 0788123456*, or just send the number",
      "• Talk to a person: *agent*",
      "Creating, redeeming and voiding vouchers is done with the assistant, when it is available.",
    ].join("\n"),
    yourVouchers: "*Your vouchers*",
    readyToUse: "Ready to use:",
    more: (n) => `…and ${n} more`,
    noVouchers: "You have no vouchers yet.",
    notRegistered:
      "Sorry, no vouchers are registered to this number. If you think this is a mistake, reply *2* to talk to a person.",
    counts: { issued: "Active:", redeemed: "Used:", void: "Cancelled:" },
    status: { issued: "active", redeemed: "used", void: "cancelled" },
    recent: "Recent vouchers:",
    noCustomer: (msisdn) => `No customer has the number ${msisdn}.`,
    invalidNumber: (raw) => `"${raw}" is not a valid phone number. Try for example *lookup 0788123456*.`,
    lookupHow: "Send the customer's number, for example *lookup 0788123456*.",
    human: "Thank you. A person from our team will answer you here soon.",
    nonText:
      "Sorry, I can only read text messages, voice notes and button taps. Please type your question, or send *menu*.",
  },
  fr: {
    hi: "Bonjour !",
    welcome: "Bienvenue sur le service de bons.",
    customerMenu: "*Menu*\n1. Mes bons\n2. Parler à une personne\n3. Mon profil\nRépondez *1*, *2* ou *3*.",
    operatorMenu: [
      "*Menu opérateur*",
      "• Chercher un client : *chercher 0788123456*, ou envoyez simplement le numéro",
      "• Parler à une personne : *conseiller*",
      "La création, l'encaissement et l'annulation des bons se font avec l'assistant, lorsqu'il est disponible.",
    ].join("\n"),
    yourVouchers: "*Vos bons*",
    readyToUse: "Bons utilisables :",
    more: (n) => (n === 1 ? "… et 1 autre" : `… et ${n} autres`),
    noVouchers: "Vous n'avez pas encore de bons.",
    notRegistered:
      "Désolé, aucun bon n'est enregistré à ce numéro. Si vous pensez qu'il s'agit d'une erreur, répondez *2* pour parler à une personne.",
    counts: { issued: "Actifs :", redeemed: "Utilisés :", void: "Annulés :" },
    status: { issued: "actif", redeemed: "utilisé", void: "annulé" },
    recent: "Derniers bons :",
    noCustomer: (msisdn) => `Aucun client n'a le numéro ${msisdn}.`,
    invalidNumber: (raw) =>
      `« ${raw} » n'est pas un numéro de téléphone valide. Essayez par exemple *chercher 0788123456*.`,
    lookupHow: "Envoyez le numéro du client, par exemple *chercher 0788123456*.",
    human: "Merci. Un conseiller va vous répondre ici très bientôt.",
    nonText:
      "Désolé, je ne lis que les messages écrits (texte), les messages vocaux et les boutons. Écrivez votre question ou envoyez *menu*.",
  },
  rw: {
    hi: "Muraho!",
    welcome: "Murakaza neza kuri serivisi ya voucher.",
    customerMenu:
      "*Menu*\n1. Voucher zanyu\n2. Kuvugana n'umukozi\n3. Umwirondoro wanyu\nMwohereze *1*, *2* cyangwa *3*.",
    operatorMenu: [
      "*Menu y'abakozi*",
      "• Gushakisha umukiriya: *shakisha 0788123456*, cyangwa mwohereze nimero gusa",
      "• Kuvugana n'umuntu: *umuntu*",
      "Gutanga, gukoresha no guhagarika voucher bikorwa na assistant, iyo ihari.",
    ].join("\n"),
    yourVouchers: "*Voucher zanyu*",
    readyToUse: "Izo mushobora gukoresha:",
    more: (n) => `… n'izindi ${n}`,
    noVouchers: "Nta voucher mufite ubu.",
    notRegistered:
      "Mutwihanganire, nta voucher yanditswe kuri iyi nimero. Niba mubona ari ikosa, mwohereze *2* muvugane n'umukozi.",
    counts: { issued: "Zitarakoreshwa:", redeemed: "Zakoreshejwe:", void: "Zahagaritswe:" },
    status: { issued: "itarakoreshwa", redeemed: "yakoreshejwe", void: "yahagaritswe" },
    recent: "Voucher za vuba:",
    noCustomer: (msisdn) => `Nta mukiriya ufite nimero ${msisdn}.`,
    invalidNumber: (raw) => `"${raw}" si nimero ya telefone yemewe. Gerageza nka *shakisha 0788123456*.`,
    lookupHow: "Mwohereze nimero y'umukiriya, urugero: *shakisha 0788123456*.",
    human: "Murakoze. Umukozi azabasubiza vuba.",
    nonText:
      "Mutwihanganire, twumva ubutumwa bwanditse, ubw'amajwi n'utubuto gusa. Mwandike ikibazo cyanyu cyangwa mwohereze *menu*.",
  },
};
