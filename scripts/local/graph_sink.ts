/**
 * The dev gateway's Graph API at /graph/: the one fake (supabase/functions/_testing/graph_fake.ts)
 * mounted there, which answers as Meta does and keeps the last replies for `deno task chat`'s long
 * poll (GET /graph/_replies). This adapter only prints: each reply, its recipient masked, and each
 * refused request, on the gateway's terminal.
 */
import { maskMsisdn } from "../../supabase/functions/_shared/msisdn.ts";
import {
  createFakeGraph,
  type FakeGraphHandler,
  type FakeSent,
} from "../../supabase/functions/_testing/graph_fake.ts";

/** The business number and token the sink takes, and where it prints. */
export interface GraphSinkOptions {
  phoneNumberId: string;
  accessToken: string;
  /** Gets each reply as readable lines (default: stderr). */
  print?: (text: string) => void;
  now?: () => Date;
  /** Starts every id; random by default so ids never repeat across runs (wa_message_id is unique). */
  idPrefix?: string;
  /** How many replies (and requests) are kept; older ones are dropped. */
  keep?: number;
}

/** The fake Graph API for the gateway's /graph/ routes; stop() ends the long polls at shutdown. */
export function createGraphSink(options: GraphSinkOptions): FakeGraphHandler {
  // Straight to stderr, not console: the gateway copies console output into app.log, which never
  // holds message bodies.
  const print = options.print ??
    ((text: string) => void Deno.stderr.writeSync(new TextEncoder().encode(text)));
  return createFakeGraph({
    phoneNumberId: options.phoneNumberId,
    accessToken: options.accessToken,
    mount: "/graph",
    keep: options.keep ?? 1000,
    idPrefix: options.idPrefix ?? `LOCAL${crypto.randomUUID().slice(0, 8).toUpperCase()}x`,
    ...(options.now ? { now: options.now } : {}),
    onSend: (sent) => print(describe(sent)),
    onRefuse: (reason) => print(`graph sink: refused a request: ${reason}\n`),
  });
}

/** A reply as lines a person reads: who it went to (masked as the logger masks) and the body. */
function describe(reply: FakeSent): string {
  const lines = reply.body.split("\n").map((line) => (line ? `  | ${line}` : "  |"));
  const to = maskRecipient(reply.to ?? reply.recipient ?? "");
  return `graph sink: reply #${reply.index} to ${to} (${reply.id})\n${lines.join("\n")}\n`;
}

/** `250788123456` becomes `250*****3456`; a user id `RW.1502576394655843` keeps its country prefix. */
export function maskRecipient(to: string): string {
  return /^\d+$/.test(to) ? maskMsisdn(to) : to.replace(/\d+/, (digits) => maskMsisdn(digits));
}
