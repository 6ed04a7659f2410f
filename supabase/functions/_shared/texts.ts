/** Fixed texts the service sends, by language code, with English always there as the fallback. */
export type TextsByLanguage = { en: string } & Partial<Record<string, string>>;

/** The text in `language` (a customers.preferred_language code), English when there is none in it. */
export function inLanguage(texts: TextsByLanguage, language: string | null | undefined): string {
  return texts[language ?? "en"] ?? texts.en;
}
