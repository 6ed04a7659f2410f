/**
 * "My profile": what the service holds about the customer writing, as they read it. A customer sees
 * their own number whole (it is theirs); the texts exist in en, fr, rw and sw.
 */
import type { CustomerSummary } from "../db/mod.ts";

/** The languages the profile is written in. */
type ProfileLanguage = "en" | "fr" | "rw" | "sw";

interface ProfileTexts {
  title: string;
  name: string;
  number: string;
  language: string;
  vouchers: (count: number, active: number) => string;
  since: string;
  /** Each language's name, in this language. */
  languages: Record<ProfileLanguage, string>;
}

/** The profile's labels by language. */
export const PROFILE_TEXTS: Record<ProfileLanguage, ProfileTexts> = {
  en: {
    title: "*Your profile*",
    name: "Name",
    number: "Number",
    language: "Language",
    vouchers: (n, active) => `Vouchers: ${n} (${active} active)`,
    since: "Customer since",
    languages: { en: "English", fr: "French", rw: "Kinyarwanda", sw: "Swahili" },
  },
  fr: {
    title: "*Votre profil*",
    name: "Nom",
    number: "Numéro",
    language: "Langue",
    vouchers: (n, active) => `Bons : ${n} (${active} actif${active > 1 ? "s" : ""})`,
    since: "Client depuis le",
    languages: { en: "anglais", fr: "français", rw: "kinyarwanda", sw: "swahili" },
  },
  rw: {
    title: "*Umwirondoro wanyu*",
    name: "Izina",
    number: "Nimero",
    language: "Ururimi",
    vouchers: (n, active) => `Voucher: ${n} (${active} zitarakoreshwa)`,
    since: "Umukiriya kuva",
    languages: { en: "Icyongereza", fr: "Igifaransa", rw: "Ikinyarwanda", sw: "Igiswahili" },
  },
  sw: {
    title: "*Wasifu wako*",
    name: "Jina",
    number: "Namba",
    language: "Lugha",
    vouchers: (n, active) => `Vocha: ${n} (${active} zinazotumika)`,
    since: "Mteja tangu",
    languages: { en: "Kiingereza", fr: "Kifaransa", rw: "Kinyarwanda", sw: "Kiswahili" },
  },
};

/**
 * The language of the profile: the turn's, except that a Swahili speaker whose turn said nothing
 * about its language reads Swahili (the menu reads no Swahili words, so such a turn reads as "en").
 */
export function profileLanguage(turn: string, preferred: string | null | undefined): ProfileLanguage {
  if (turn === "en" && preferred === "sw") return "sw";
  return turn === "fr" || turn === "rw" ? turn : "en";
}

/** The customer's own profile: name, number, language on file, vouchers, since when. */
export function customerProfile(found: CustomerSummary, language: ProfileLanguage): string {
  const t = PROFILE_TEXTS[language];
  const { customer, vouchers } = found;
  const count = Object.values(vouchers.summary).reduce((n, s) => n + s.count, 0);
  const onFile = customer.preferred_language;
  return [
    t.title,
    `${t.name}: ${customer.name}`,
    `${t.number}: ${customer.msisdn}`,
    `${t.language}: ${isProfileLanguage(onFile) ? t.languages[onFile] : onFile}`,
    t.vouchers(count, vouchers.summary.issued.count),
    `${t.since}: ${customer.created_at.slice(0, 10)}`,
  ].join("\n");
}

function isProfileLanguage(code: string): code is ProfileLanguage {
  return code in PROFILE_TEXTS;
}
