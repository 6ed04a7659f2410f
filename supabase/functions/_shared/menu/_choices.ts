/**
 * The menu as a WhatsApp list: one row per choice, whose id ("menu:vouchers") routes the pick, so a
 * picked row never depends on how its title reads. A row the menu no longer offers is a stale pick.
 */
import { list, type OutboundMessage, type Role } from "../conversation/mod.ts";
import { inLanguage, type TextsByLanguage } from "../texts.ts";

/** What a row of the menu asks for. */
export type MenuChoice = "vouchers" | "profile" | "human" | "lookup";

/** Row titles, within Meta's 24 characters in every language. */
export const MENU_CHOICE_TITLES: Record<MenuChoice, TextsByLanguage> = {
  vouchers: { en: "My vouchers", fr: "Mes bons", rw: "Voucher zanjye", sw: "Vocha zangu" },
  profile: { en: "My profile", fr: "Mon profil", rw: "Umwirondoro wanjye", sw: "Wasifu wangu" },
  human: {
    en: "Talk to a person",
    fr: "Parler à une personne",
    rw: "Kuvugana n'umukozi",
    sw: "Ongea na mtu",
  },
  lookup: {
    en: "Look up a customer",
    fr: "Chercher un client",
    rw: "Shakisha umukiriya",
    sw: "Tafuta mteja",
  },
};
/** The button that opens the list, within Meta's 20 characters. */
export const MENU_LABEL: TextsByLanguage = { en: "Menu", fr: "Menu", rw: "Menu", sw: "Menyu" };
/** The answer to a pick from an older menu, before the menu again. */
export const STALE_CHOICE: TextsByLanguage = {
  en: "That choice is no longer on the menu, so nothing was done. Here is the menu:",
  fr: "Ce choix n'est plus au menu, rien n'a été fait. Voici le menu :",
  rw: "Ayo mahitamo ntakiri kuri menu, nta cyakozwe. Dore menu:",
  sw: "Chaguo hilo halipo tena kwenye menyu, hakuna kilichofanyika. Hii hapa menyu:",
};

const PREFIX = "menu:";

/** The choices the menu offers to `role`, in order: a customer's rows are numbered as the menu's text
 * numbers them (1 my vouchers, 2 talk to a person, 3 my profile), so "2" typed and row 2 agree. */
export function choicesFor(role: Role): MenuChoice[] {
  return role === "operator" ? ["lookup", "human"] : ["vouchers", "human", "profile"];
}

/** The menu's text with its choices as a list, titled in `language`. */
export function menuList(body: string, role: Role, language: string | null | undefined): OutboundMessage {
  const rows = choicesFor(role).map((c) => ({
    id: PREFIX + c,
    title: inLanguage(MENU_CHOICE_TITLES[c], language),
  }));
  return list(body, inLanguage(MENU_LABEL, language), rows);
}

/** The choice a picked row's id names; "stale" for a menu id this menu does not offer `role`; null when
 * the id is not the menu's (or there is none). */
export function pickedChoice(replyId: string | undefined, role: Role): MenuChoice | "stale" | null {
  if (!replyId?.startsWith(PREFIX)) return null;
  const choice = replyId.slice(PREFIX.length);
  return choicesFor(role).find((c) => c === choice) ?? "stale";
}
