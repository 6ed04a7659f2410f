/**
 * Explicit requests for a person. A line asks for one only when the whole line is such a request
 * ("umuntu", "nshaka kuvugana n'umuntu", "talk to a person", "je veux parler à un conseiller"),
 * give or take courtesies around it: a word such as "umuntu" inside an ordinary sentence ("Umuntu
 * yampaye voucher ejo") is not a request, and handing those to staff silences the bot for hours.
 */
import { phrase } from "./_text.ts";

/** "I want", "je voudrais", "ndashaka"...; English ones may be followed by "to". */
const LEADS = [
  "i want",
  "i would like",
  "i'd like",
  "i need",
  "can i",
  "could i",
  "may i",
  "let me",
  "je veux",
  "je voudrais",
  "j'aimerais",
  "je souhaite",
  "je souhaiterais",
  "je peux",
  "puis je",
  "est ce que je peux",
  "ndashaka",
  "nshaka",
  "nifuza",
  "ndifuza",
  "nshobora",
  "ese nshobora",
  "ndasaba",
];
/** "talk to", "parler à", "kuvugana n'"; each with the separator before its object. */
const VERBS = [
  ...["talk", "speak", "chat"].flatMap((v) => [`${v} to `, `${v} with `]),
  "parler a ",
  "parler avec ",
  "discuter avec ",
  "etre mis en contact avec ",
  "kuvugana n'",
  "kuvugana na ",
  "kuvugisha ",
];
/** Who is asked for. */
const OBJECTS = [
  ...["human", "person", "agent", "staff member", "representative"].flatMap((o) => [o, `a ${o}`, `an ${o}`]),
  "a real person",
  "real person",
  "a real human",
  "someone",
  "somebody",
  "someone real",
  "staff",
  "customer service",
  "customer care",
  "your team",
  "un conseiller",
  "conseiller",
  "une personne",
  "une vraie personne",
  "quelqu'un",
  "un humain",
  "humain",
  "un etre humain",
  "un agent",
  "le service client",
  "umuntu",
  "umukozi",
  "umuntu nyawe",
  "umukozi wanyu",
  "umuntu wanyu",
];
/** Said before or after a request without changing it. */
const COURTESIES = [
  "please",
  "pls",
  "plz",
  "now",
  "thanks",
  "thank you",
  "yes",
  "ok",
  "hi",
  "hello",
  "not a bot",
  "not a robot",
  "svp",
  "stp",
  "s'il vous plait",
  "s'il te plait",
  "merci",
  "oui",
  "bonjour",
  "maintenant",
  "pas un robot",
  "ndabasaba",
  "murakoze",
  "yego",
  "muraho",
  "mwaramutse",
  "mwiriwe",
  "si robot",
];

const any = (phrases: string[]) => `(?:${phrases.map(escape).join("|")})`;
const REQUEST = new RegExp(
  `^(?:${any(COURTESIES)} )*(?:${any(LEADS)} (?:to )?)?${any(VERBS)}?${any(OBJECTS)}(?: ${
    any(COURTESIES)
  })*$`,
  "u",
);

/** Whether this one line (a message, or a line of one) is, as a whole, a request for a person. */
export function isHumanRequest(line: string): boolean {
  return REQUEST.test(phrase(line));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
