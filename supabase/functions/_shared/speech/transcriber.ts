/**
 * The speech port on OpenAI's audio transcription API (`npm:openai`, POST {base}/audio/transcriptions):
 * OPENAI_BASE_URL by default, or any OpenAI-compatible server the settings name (a self-hosted
 * Kinyarwanda recogniser). The audio is sent once and never kept.
 */
import OpenAI, { toFile } from "openai";

/** What was heard: the words, the audio's seconds and a confidence from 0 to 1 when the server gives them. */
export interface Transcript {
  text: string;
  /** The model that heard it, for its cost (transcription_usage). */
  model?: string;
  /** Seconds of audio transcribed (usage.seconds): the hook for transcription cost accounting. */
  seconds?: number;
  /** exp(mean token logprob), when the server returned logprobs. */
  confidence?: number;
}

/** Audio to transcribe, with the speaker's language as a hint (ISO-639-1, e.g. "rw"), when known. */
export interface Transcriber {
  transcribe(audio: { bytes: Uint8Array; mimeType: string }, language: string | null): Promise<Transcript>;
}

export interface TranscriberOptions {
  apiKey: string;
  /** The OpenAI-compatible base URL (…/v1); the SDK's default when absent. */
  baseUrl?: string;
  model: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** How long one transcription may take. */
export const TRANSCRIPTION_TIMEOUT_MS = 20_000;

/** Builds the transcriber; throws (the SDK's error, without the audio) when the call fails. */
export function createTranscriber(o: TranscriberOptions): Transcriber {
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseUrl, maxRetries: 1, fetch: o.fetch });
  // Only OpenAI's gpt-4o transcription models return logprobs; another server is not asked for them.
  const logprobs = o.model.startsWith("gpt-4o");
  return {
    async transcribe({ bytes, mimeType }, language) {
      const file = await toFile(bytes, fileName(mimeType), { type: mimeType });
      const result = await client.audio.transcriptions.create({
        file,
        model: o.model,
        response_format: "json",
        ...(language && /^[a-z]{2}$/.test(language) ? { language } : {}),
        ...(logprobs ? { include: ["logprobs" as const] } : {}),
      }, { timeout: o.timeoutMs ?? TRANSCRIPTION_TIMEOUT_MS });
      const probs = result.logprobs?.map((p) => p.logprob ?? 0) ?? [];
      const usage = result.usage;
      return {
        text: result.text.trim(),
        model: o.model,
        ...(usage?.type === "duration" ? { seconds: usage.seconds } : {}),
        ...(probs.length ? { confidence: Math.exp(probs.reduce((a, b) => a + b, 0) / probs.length) } : {}),
      };
    },
  };
}

/** A file name whose extension the API reads the format from (WhatsApp voice notes are OGG/Opus). */
function fileName(mimeType: string): string {
  const ext = /ogg|opus/.test(mimeType)
    ? "ogg"
    : /mpeg|mp3/.test(mimeType)
    ? "mp3"
    : /mp4|m4a|aac/.test(mimeType)
    ? "m4a"
    : /amr/.test(mimeType)
    ? "amr"
    : "ogg";
  return `voice.${ext}`;
}
