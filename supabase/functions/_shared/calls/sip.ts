/** The caller's number in a SIP INVITE's headers, as OpenAI's realtime.call.incoming carries them. */
import { tryMsisdnToE164 } from "../msisdn.ts";

/** A SIP header as the webhook carries it (untrusted: caller ID can be spoofed). */
export interface SipHeader {
  name: string;
  value: string;
}

const CALLER_HEADERS = ["p-asserted-identity", "remote-party-id", "from"];

/**
 * The E.164 number of the caller: from P-Asserted-Identity, Remote-Party-ID or From, whichever comes
 * first with a number (`sip:+250788123456@host`, `tel:+250788123456`, `sip:0788123456@host`); null
 * for an anonymous or unparseable caller.
 */
export function callerNumber(headers: readonly SipHeader[]): string | null {
  for (const name of CALLER_HEADERS) {
    for (const header of headers.filter((h) => h.name.toLowerCase() === name)) {
      const user = /(?:sips?|tel):([^@;>\s]+)/i.exec(header.value)?.[1];
      const number = user && /^\+?[0-9]{6,15}$/.test(user) ? tryMsisdnToE164(user) : undefined;
      if (number) return number;
    }
  }
  return null;
}
