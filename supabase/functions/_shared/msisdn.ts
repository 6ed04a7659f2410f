/** Phone numbers: normalisation to E.164 (Rwanda by default) and masking for logs. */
import { ValidationError } from "./errors.ts";

const RWANDA = "250";
const SEPARATORS = /[\s\-().]/g;

/**
 * Normalises a phone number to E.164: `0788123456`, `250788123456` and `+250 788 123 456` all
 * become `+250788123456`. Throws a ValidationError that says what is wrong with anything else.
 */
export function msisdnToE164(raw: unknown): string {
  if (typeof raw !== "string") throw invalid("msisdn must be a string");
  const compact = raw.trim().replace(SEPARATORS, "");
  if (compact === "") throw invalid("msisdn is empty");
  let digits: string;
  if (compact.startsWith("+")) digits = compact.slice(1);
  else if (compact.startsWith("00")) digits = compact.slice(2);
  else if (compact.startsWith("0")) digits = RWANDA + compact.slice(1);
  else if (compact.startsWith(RWANDA) || compact.length > 9) digits = compact;
  else digits = RWANDA + compact;
  if (!/^\d+$/.test(digits)) {
    throw invalid("msisdn may contain only digits, spaces, dashes, dots, brackets and a leading +");
  }
  if (digits.startsWith(RWANDA)) {
    const national = digits.slice(RWANDA.length);
    if (national.length !== 9) {
      throw invalid(`Rwandan numbers have 9 digits after +250, this one has ${national.length}`);
    }
    if (!national.startsWith("7")) throw invalid("Rwandan mobile numbers start with 7 after +250");
  } else if (digits.startsWith("0") || digits.length < 8 || digits.length > 15) {
    throw invalid("msisdn must be a country code and number, 8 to 15 digits in all");
  }
  return `+${digits}`;
}

/** msisdnToE164, or undefined for what is not a phone number (text that may or may not hold one). */
export function tryMsisdnToE164(raw: string): string | undefined {
  try {
    return msisdnToE164(raw);
  } catch {
    return undefined;
  }
}

/**
 * `+250788123456` becomes `+250*****3456`: enough to tell numbers apart in logs, not to dial them.
 * At least five digits are always hidden: shorter values show only their last four, or two.
 */
export function maskMsisdn(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 7) return "***";
  const plus = value.trim().startsWith("+") ? "+" : "";
  if (digits.length < 10) return `${plus}*****${digits.slice(-2)}`;
  if (digits.length < 12) return `${plus}*****${digits.slice(-4)}`;
  return `${plus}${digits.slice(0, 3)}*****${digits.slice(-4)}`;
}

function invalid(message: string): ValidationError {
  return new ValidationError("msisdn", message);
}

/** A sender's E.164 number as WhatsApp and the database key it (digits, no "+"), or null without one. */
export function waIdOf(msisdn: string | null): string | null {
  return msisdn && /^\+[0-9]{6,20}$/.test(msisdn) ? msisdn.slice(1) : null;
}
