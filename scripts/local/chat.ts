/**
 * A WhatsApp user in the terminal, against the local stack (./scripts/dev): each line typed goes to
 * whatsapp-webhook as a signed, Meta-shaped text message; replies come back from the gateway's
 * Graph API sink and print as "bot> ...", each answered with signed delivered and read statuses.
 * `/voice <file.ogg>` uploads the file to the Graph API's media and sends it as a voice note.
 *
 * ./scripts/deno task chat [--as customer|operator] [--from <number>] [--user-id <BSUID>] [--url <gateway>]
 */
import { taskArgs } from "../lib/args.ts";
import { withEnvFile } from "./env_file.ts";
import { uploadMedia, VOICE_MIME } from "./chat_voice.ts";
import type { FakeSent } from "../../supabase/functions/_testing/graph_fake.ts";
import { signedRequest } from "../../supabase/functions/_testing/meta.ts";
import { choicesOf, type OutboundMessage } from "../../supabase/functions/_shared/conversation/mod.ts";
import {
  chatGraph,
  type ChatSender,
  chatSettings,
  choiceWebhook,
  DEFAULT_URL,
  newWamid,
  parseChatArgs,
  statusWebhook,
  textWebhook,
  USAGE,
  voiceCommand,
  voiceWebhook,
} from "./chat_payload.ts";

/** Piped input ends at once; the replies to its last lines still get this long to arrive. */
const PIPED_GRACE_MS = 4_000;
const POLL_SECONDS = 20;

interface Chat {
  base: string;
  sender: ChatSender;
  secret: string;
  phoneNumberId: string;
  /** Prints a line above the prompt. */
  say(text: string): void;
  /** The last reply with buttons or a list, whose choices a typed number picks. */
  offered?: OutboundMessage;
  /** The Graph API `/voice` uploads notes to; null when the environment has no access token. */
  graph: ReturnType<typeof chatGraph>;
}

async function main(): Promise<number> {
  let chat: Chat;
  const tty = Deno.stdin.isTerminal();
  const prompt = () => tty && void Deno.stdout.writeSync(new TextEncoder().encode("you> "));
  try {
    const env = await withEnvFile(Deno.env.toObject());
    // The gateway of the .env's stack: ./scripts/dev may run on other ports than 54321.
    const options = parseChatArgs(taskArgs(Deno.args), env.SUPABASE_URL || DEFAULT_URL);
    if (options.help) {
      console.log(USAGE);
      return 0;
    }
    const settings = chatSettings(env);
    const say = (text: string) => {
      // Clears the prompt, prints, and puts the prompt back (what was being typed stays in the input).
      Deno.stdout.writeSync(new TextEncoder().encode(tty ? `\r\x1b[K${text}\n` : `${text}\n`));
      prompt();
    };
    chat = {
      base: options.url,
      sender: options.sender,
      ...settings,
      graph: chatGraph(env, options.url),
      say,
    };
  } catch (error) {
    console.error(`chat: ${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }

  const { sender } = chat;
  const who = [sender.waId && `+${sender.waId}`, sender.userId].filter(Boolean).join(" / ");
  console.log(
    `chat: writing as ${sender.name.replace("Local ", "")} ${who} to ${chat.base}; /quit or Ctrl-D leaves`,
  );
  const recipient = sender.waId ?? sender.userId!;
  const stop = new AbortController();
  let lastActivity = performance.now();
  const after = await latestIndex(chat, recipient);
  const listening = listen(chat, recipient, after, stop.signal, () => lastActivity = performance.now());

  prompt();
  for await (const line of readLines(Deno.stdin.readable)) {
    const text = line.trim();
    if (text === "/quit") break;
    if (text) {
      await send(chat, text);
      lastActivity = performance.now();
    }
    prompt();
  }
  if (!tty) {
    while (performance.now() - lastActivity < PIPED_GRACE_MS) await new Promise((r) => setTimeout(r, 100));
  } else console.log();
  stop.abort();
  await listening;
  return 0;
}

/** Sends one typed line: a number alone taps that choice of the last buttons or list, anything else is
 * a text message; says what went wrong when it was not a 200. */
async function send(chat: Chat, text: string): Promise<void> {
  const o = { phoneNumberId: chat.phoneNumberId, sender: chat.sender, id: newWamid(), now: new Date() };
  const file = voiceCommand(text);
  if (file) {
    const mediaId = await uploadVoiceNote(chat, file);
    if (mediaId) await post(chat, voiceWebhook({ ...o, mediaId, mimeType: VOICE_MIME }), "voice note");
    return;
  }
  const payload = choiceWebhook({ ...o, offered: chat.offered, line: text }) ??
    textWebhook({ ...o, body: text });
  await post(chat, payload, "message");
}

/** Reads `file` and uploads it to the Graph API's media; its id, or null once it said why not. */
async function uploadVoiceNote(chat: Chat, file: string): Promise<string | null> {
  if (!chat.graph) {
    chat.say(
      "chat: /voice needs WHATSAPP_ACCESS_TOKEN (supabase/functions/.env, which ./scripts/dev writes)",
    );
    return null;
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(file);
  } catch (error) {
    chat.say(`chat: cannot read ${file}: ${message(error)}`);
    return null;
  }
  const uploaded = await uploadMedia({ ...chat.graph, phoneNumberId: chat.phoneNumberId, bytes, fetch });
  if ("id" in uploaded) return uploaded.id;
  chat.say(`chat: ${uploaded.problem}`);
  return null;
}

async function post(chat: Chat, payload: unknown, what: string): Promise<void> {
  const url = `${chat.base}/functions/v1/whatsapp-webhook`;
  try {
    const res = await fetch(await signedRequest(url, payload, chat.secret));
    const body = await res.text();
    if (res.status !== 200) chat.say(`chat: ${what} answered HTTP ${res.status} ${body.slice(0, 300)}`);
  } catch (error) {
    chat.say(`chat: cannot reach ${url} (is ./scripts/dev running?): ${message(error)}`);
  }
}

/** The newest reply index the sink holds for `recipient`, so earlier conversations do not replay. */
async function latestIndex(chat: Chat, recipient: string): Promise<number> {
  // When the sink cannot be read, the listener says so; 0 shows whatever it keeps.
  const replies = await readReplies(chat.base, recipient, 0, 0).catch(() => []);
  return Math.max(0, ...replies.map((r) => r.index));
}

async function readReplies(
  base: string,
  recipient: string,
  after: number,
  wait: number,
  signal?: AbortSignal,
): Promise<FakeSent[]> {
  const query = new URLSearchParams({ to: recipient, after: String(after), wait: String(wait) });
  const res = await fetch(`${base}/graph/_replies?${query}`, signal ? { signal } : {});
  if (!res.ok) {
    throw new Error(`GET /graph/_replies answered HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  }
  return await res.json() as FakeSent[];
}

/** Long-polls the sink until `signal` aborts; prints each reply and acknowledges it as a phone would. */
async function listen(
  chat: Chat,
  recipient: string,
  after: number,
  signal: AbortSignal,
  onReply: () => void,
): Promise<void> {
  let failing = false;
  while (!signal.aborted) {
    try {
      const replies = await readReplies(chat.base, recipient, after, POLL_SECONDS, signal);
      failing = false;
      for (const reply of replies) {
        after = Math.max(after, reply.index);
        if (choicesOf(reply.message).length > 0) chat.offered = reply.message;
        chat.say(`bot> ${reply.body.replaceAll("\n", "\n     ").replaceAll(/ +$/gm, "")}`);
        onReply();
        for (const status of ["delivered", "read"]) {
          const payload = statusWebhook({
            phoneNumberId: chat.phoneNumberId,
            id: reply.id,
            status,
            recipient: reply.to ? { waId: reply.to } : { userId: reply.recipient },
            now: new Date(),
            callbackData: reply.callbackData,
          });
          await post(chat, payload, `status ${status}`);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (!failing) chat.say(`chat: cannot read replies: ${message(error)}; trying again`);
      failing = true;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

/** Lines of a byte stream, without their line endings; the last one even without a newline. */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      yield buffer.slice(0, i).replace(/\r$/, "");
      buffer = buffer.slice(i + 1);
    }
  }
  if (buffer) yield buffer;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (import.meta.main) Deno.exit(await main());
