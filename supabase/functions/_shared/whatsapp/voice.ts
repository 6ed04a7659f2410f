/**
 * Voice notes in a turn, heard before the responders read it: each is looked up and downloaded through
 * the Graph API (not when Meta states it is over the size limit), transcribed, and its transcript stored
 * as its body, so that retention treats it as any message body. The audio is never stored. A note that
 * cannot be heard (switch off, too long, unclear, a failure) earns one note asking the sender to type
 * or try again: nothing is guessed. A transcript never confirms an effect (vouchers/confirmations.ts
 * reads no audio message).
 */
import type { Turn, TurnMessage } from "../conversation/mod.ts";
import {
  type Db,
  recordTranscriptionUsage,
  storeTranscript,
  voiceNoteMedia,
  voiceNoteSettings,
} from "../db/mod.ts";
import { ClaimLost } from "../errors.ts";
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import type { Transcriber } from "../speech/mod.ts";
import type { GraphClient } from "./graph.ts";
import { voiceNote, type VoiceNoteKind } from "./notes.ts";

/** Below this confidence (exp of the mean token logprob, when the server gives it) a transcript is not used. */
export const MIN_TRANSCRIPT_CONFIDENCE = 0.4;
/** A transcript with fewer letters than this is taken as nothing heard. */
const MIN_TRANSCRIPT_LETTERS = 2;

/** What hearing needs: the Graph client and the transcriber (none: notes are not heard), the limits. */
export interface VoiceDeps {
  db: Db;
  flags: Flags;
  log: Logger;
  graph?: GraphClient;
  transcriber?: Transcriber;
  /** The transcriber of the server and model the settings name instead (transcription_base_url,
   * transcription_model); absent: `transcriber` whatever the settings say (a test's or the evals'). */
  transcriberFor?: (settings: { baseUrl?: string; model?: string }) => Transcriber | undefined;
  /** The environment's limits (VOICE_NOTE_MAX_BYTES, _SECONDS): voice_note_max_bytes and _seconds override them. */
  maxBytes: number;
  maxSeconds: number;
}

/** The turn with its voice notes' transcripts as their text, and those transcripts; or the one note to send. */
export type Hearing = { turn: Turn; heard: string[] } | { note: string };

/** Hears the turn's voice notes that have no transcript yet (a retried turn keeps the stored one). */
export async function hearVoiceNotes(env: VoiceDeps, worker: string, turn: Turn): Promise<Hearing> {
  const spoken = (messages: TurnMessage[]) =>
    messages.filter((m) => m.type === "audio" && m.text?.trim()).map((m) => m.text!.trim());
  const waiting = turn.messages.filter((m) => m.type === "audio" && !m.text?.trim());
  if (!waiting.length) return { turn, heard: spoken(turn.messages) };
  const d = await withSettings(env);
  const language = turn.sender.language;
  const note = (kind: VoiceNoteKind) => ({
    note: voiceNote(kind, language, { max: String(Math.max(1, Math.round(d.maxSeconds / 60))) }),
  });
  if (!d.graph || !d.transcriber || !(await d.flags.isEnabled("AI_VOICE_NOTES_ENABLED"))) return note("off");
  const texts = new Map<string, string>();
  for (const m of waiting) {
    const heard = await hear(d, worker, turn, m);
    if (!("text" in heard)) return note(heard.problem);
    texts.set(m.id, heard.text);
  }
  const messages = turn.messages.map((m) => texts.has(m.id) ? { ...m, text: texts.get(m.id)! } : m);
  return { turn: { ...turn, messages }, heard: spoken(messages) };
}

/** The deps with the settings of the moment (read per voice turn): the limits, the server and model. */
async function withSettings(d: VoiceDeps): Promise<VoiceDeps> {
  const s = await voiceNoteSettings(d.db, {});
  const named = s.transcription_base_url !== undefined || s.transcription_model !== undefined;
  return {
    ...d,
    maxBytes: s.voice_note_max_bytes ?? d.maxBytes,
    maxSeconds: s.voice_note_max_seconds ?? d.maxSeconds,
    transcriber: named && d.transcriberFor
      ? d.transcriberFor({ baseUrl: s.transcription_base_url, model: s.transcription_model })
      : d.transcriber,
  };
}

type Heard = { text: string } | { problem: Exclude<VoiceNoteKind, "off" | "heard"> };

async function hear(d: VoiceDeps, worker: string, turn: Turn, m: TurnMessage): Promise<Heard> {
  const ids = { p_conversation_id: turn.conversationId, p_worker: worker, p_message_id: m.id };
  const log = (msg: string, fields: Record<string, unknown> = {}) =>
    d.log.warn("voice", msg, { conversation_id: turn.conversationId, message_id: m.id, ...fields });
  const media = await voiceNoteMedia(d.db, ids);
  if (!media) return (log("voice note has no media id (stripped or not ours)"), { problem: "failed" });
  const download = await d.graph!.media(media.id, d.maxBytes);
  if (!download.ok) {
    if (download.kind === "too_large") return { problem: "too_long" };
    return (log("Cannot download the voice note", { title: download.title }), { problem: "failed" });
  }
  await turn.renewClaim?.();
  let transcript;
  try {
    transcript = await d.transcriber!.transcribe(
      { bytes: download.bytes, mimeType: media.mime_type ?? download.mimeType },
      turn.sender.language,
    );
  } catch (error) {
    if (error instanceof ClaimLost) throw error;
    // The SDK's message may quote the server's answer; only its name is logged.
    return (log("Cannot transcribe the voice note", { error: (error as Error)?.name }),
      { problem: "failed" });
  }
  // Seconds of audio transcribed, per note (never its words), for the cost and the daily AI budget. A
  // failed record costs an entry in the accounts, never the customer's answer.
  if (transcript.seconds !== undefined) {
    await recordTranscriptionUsage(d.db, {
      p_model: transcript.model ?? "unknown",
      p_seconds: transcript.seconds,
      p_conversation_id: turn.conversationId,
    }).catch((error) => log("Cannot record the transcription's seconds", { error: (error as Error)?.name }));
  }
  d.log.info("voice", "voice note transcribed", {
    conversation_id: turn.conversationId,
    transcription_seconds: transcript.seconds ?? null,
    confidence: transcript.confidence ?? null,
    chars: transcript.text.length,
  });
  if (transcript.seconds !== undefined && transcript.seconds > d.maxSeconds) return { problem: "too_long" };
  const letters = transcript.text.match(/\p{L}/gu)?.length ?? 0;
  const unsure = transcript.confidence !== undefined && transcript.confidence < MIN_TRANSCRIPT_CONFIDENCE;
  if (letters < MIN_TRANSCRIPT_LETTERS || unsure) return { problem: "unclear" };
  if (!(await storeTranscript(d.db, { ...ids, p_text: transcript.text }))) throw new ClaimLost();
  return { text: transcript.text };
}
