/** Speech: voice notes heard as text through an OpenAI-compatible transcription server. */
export {
  createTranscriber,
  type Transcriber,
  type TranscriberOptions,
  type Transcript,
  TRANSCRIPTION_TIMEOUT_MS,
} from "./transcriber.ts";
