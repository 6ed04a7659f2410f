/**
 * The audio part of the fake OpenAI API: POST /v1/audio/transcriptions, a multipart form as the SDK
 * sends it (file, model, language, include[]), answered from a script with OpenAI's transcription
 * object: `text`, `logprobs` when asked for, and `usage` in seconds.
 */

/** One scripted transcription: its text, the audio's seconds, the mean token logprob; or an error. */
export type FakeTranscript = { text: string; seconds?: number; logprob?: number } | { status: number };

/** A transcription request as the fake read it. */
export interface FakeTranscription {
  model: string;
  language?: string;
  /** The uploaded file's name, type and size in bytes. */
  file: { name: string; type: string; size: number };
  include: string[];
  authorization: string | null;
}

/** What a test scripts and reads of the transcription endpoint. */
export interface FakeAudio {
  /** Every transcription request, in order. */
  requests: FakeTranscription[];
  /** Appends answers to a FIFO queue. */
  script(...steps: FakeTranscript[]): void;
  /** Alternative to script(): computes each answer from the request; used when the queue is empty. */
  respondWith(fn: (request: FakeTranscription) => FakeTranscript): void;
}

/** The endpoint's handler; refusals and unscripted calls are pushed to `violations`. */
export function createFakeAudio(apiKey: string, violations: string[]): FakeAudio & {
  handle(req: Request): Promise<Response>;
} {
  const requests: FakeTranscription[] = [];
  const queue: FakeTranscript[] = [];
  let responder: ((request: FakeTranscription) => FakeTranscript) | undefined;
  const refuse = (status: number, message: string) => {
    violations.push(`audio transcription: ${message}`);
    return Response.json({ error: { message, type: "invalid_request_error", param: null, code: null } }, {
      status,
    });
  };
  return {
    requests,
    script(...steps) {
      queue.push(...steps);
    },
    respondWith(fn) {
      responder = fn;
    },
    async handle(req) {
      const form = await req.formData().catch(() => undefined);
      if (!form) return refuse(400, "the body is not a multipart form");
      const file = form.get("file");
      const model = form.get("model");
      const language = form.get("language");
      const include = form.getAll("include[]").map(String);
      if (!(file instanceof File) || file.size === 0) return refuse(400, "file is missing or empty");
      if (typeof model !== "string" || !model) return refuse(400, "model is missing");
      if (language !== null && !/^[a-z]{2}$/.test(String(language))) {
        return refuse(400, `language ${String(language)} is not ISO-639-1`);
      }
      const authorization = req.headers.get("authorization");
      const request: FakeTranscription = {
        model,
        ...(language === null ? {} : { language: String(language) }),
        file: { name: file.name, type: file.type, size: file.size },
        include,
        authorization,
      };
      requests.push(request);
      if (authorization !== `Bearer ${apiKey}`) return refuse(401, "Authorization is not the fake's key");
      const step = queue.shift() ?? responder?.(request);
      if (!step) return refuse(500, "called more often than scripted");
      if ("status" in step) {
        return Response.json({ error: { message: "scripted failure", type: "server_error" } }, {
          status: step.status,
        });
      }
      const logprobs = include.includes("logprobs") && step.text
        ? step.text.split(/(?<=\s)/).map((token) => ({ token, logprob: step.logprob ?? -0.05, bytes: [] }))
        : undefined;
      return Response.json({
        text: step.text,
        ...(logprobs ? { logprobs } : {}),
        usage: { type: "duration", seconds: step.seconds ?? 3 },
      });
    },
  };
}
