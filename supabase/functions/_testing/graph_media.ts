/**
 * The media part of the fake Graph API: GET /{media-id} answers Meta's media object (its `url`, valid
 * for about 5 minutes at Meta, its mime_type and file_size), and GET of that url the bytes. Both want
 * the access token as a bearer, as Meta does. POST /{phone-number-id}/media uploads media as Meta
 * takes it (multipart: messaging_product, file, type) and answers its id: `deno task chat`'s /voice.
 */
import { invalidParameter, noSuchObject, tokenRefused } from "./graph_protocol.ts";

/** Media the fake serves; `fileSize` overrides the size it states (a long note, without its bytes). */
export interface FakeMedia {
  bytes: Uint8Array;
  mimeType: string;
  fileSize?: number;
}

/** The media a fake serves, and what was asked of it. */
export interface FakeMediaStore {
  add(id: string, media: FakeMedia): void;
  /** Media ids looked up (GET /{media-id}) and downloaded (GET of the url), in order. */
  lookups: string[];
  downloads: string[];
}

const DOWNLOAD = /^\/_media\/([^/]+)$/;
const NODE = /^\/v\d+\.\d+\/([^/]+)$/;
const UPLOAD = /^\/v\d+\.\d+\/([^/]+)\/media$/;

/** The store and its handler: a Response for a media request, undefined for anything else. */
export function createMediaStore(phoneNumberId: string): FakeMediaStore & {
  handle(req: Request, route: string, mount: string, authorized: boolean): Promise<Response | undefined>;
} {
  const media = new Map<string, FakeMedia>();
  const lookups: string[] = [];
  const downloads: string[] = [];
  let uploaded = 0;
  return {
    lookups,
    downloads,
    add(id, m) {
      media.set(id, m);
    },
    async handle(req, route, mount, authorized) {
      const upload = req.method === "POST" ? UPLOAD.exec(route) : null;
      if (upload) {
        if (!authorized) return tokenRefused();
        if (decodeURIComponent(upload[1]!) !== phoneNumberId) return noSuchObject("post", upload[1]!);
        const form = await req.formData().catch(() => null);
        const file = form?.get("file");
        if (form?.get("messaging_product") !== "whatsapp" || !(file instanceof File)) {
          return invalidParameter(
            "(#100) The parameter messaging_product is required, with a file to upload",
          );
        }
        const id = `${Date.now()}${String(++uploaded).padStart(4, "0")}`;
        const type = form.get("type");
        media.set(id, {
          bytes: new Uint8Array(await file.arrayBuffer()),
          mimeType: typeof type === "string" && type ? type : file.type,
        });
        return Response.json({ id });
      }
      if (req.method !== "GET") return undefined;
      const download = DOWNLOAD.exec(route);
      const id = decodeURIComponent((download ?? NODE.exec(route))?.[1] ?? "");
      const found = media.get(id);
      if (!found) return download ? noSuchObject("get", id) : undefined;
      if (!authorized) return tokenRefused();
      if (download) {
        downloads.push(id);
        return new Response(found.bytes.slice(), { headers: { "content-type": found.mimeType } });
      }
      lookups.push(id);
      const origin = new URL(req.url).origin;
      return Response.json({
        messaging_product: "whatsapp",
        url: `${origin}${mount}/_media/${encodeURIComponent(id)}`,
        mime_type: found.mimeType,
        sha256: "u7nFMeJzLhPrvcJ8wF3mM1Tx2v2FqW4vB0KpK3yI5bA=",
        file_size: found.fileSize ?? found.bytes.length,
        id,
      });
    },
  };
}
