/** The voice path's settings: the transcription server and model, the voice-note limits. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

/** The voice settings ops set in app_settings; one left out (null there) falls back to the environment. */
export const voiceNoteSettings = rpc(
  "voice_note_settings",
  z.looseObject({
    transcription_base_url: z.string().optional(),
    transcription_model: z.string().optional(),
    voice_note_max_seconds: z.int().positive().optional(),
    voice_note_max_bytes: z.int().positive().optional(),
  }),
);
