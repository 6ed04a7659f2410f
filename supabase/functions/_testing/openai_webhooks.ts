/**
 * A fake of OpenAI's webhook sender: signs deliveries as Standard Webhooks do (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the
 * base64-decoded `whsec_` secret), and redelivers the same id, as OpenAI's at-least-once delivery does.
 */

/** A `whsec_` secret for tests: 32 fixed bytes, base64. */
export const WEBHOOK_SECRET = `whsec_${
  btoa(String.fromCharCode(...new Uint8Array(32).map((_, i) => i + 65)))
}`;

/** One delivery as it goes on the wire. */
export interface Delivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/** Signs `body` as delivery `id` at `timestampSeconds` with `secret` (whsec_…). */
export async function signDelivery(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<Record<string, string>> {
  const raw = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : btoa(secret);
  const keyBytes = Uint8Array.from(atob(raw), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`)),
  );
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${btoa(String.fromCharCode(...mac))}`,
  };
}

/** A `realtime.call.incoming` event; `from` is the SIP From header's value (omitted when null). */
export function callIncoming(
  options: { callId?: string; from?: string | null; eventId?: string; createdAt?: number } = {},
) {
  const callId = options.callId ?? `rtc_${crypto.randomUUID().replaceAll("-", "")}`;
  const sipHeaders = [
    ...(options.from === null
      ? []
      : [{ name: "From", value: options.from ?? '"Caller" <sip:+250788123456@trunk.example.com>;tag=a1' }]),
    { name: "To", value: "<sip:proj_fake@sip.api.openai.com;transport=tls>" },
    { name: "Call-ID", value: `${callId}@trunk.example.com` },
  ];
  return {
    object: "event",
    id: options.eventId ?? `evt_${crypto.randomUUID().replaceAll("-", "")}`,
    type: "realtime.call.incoming",
    created_at: options.createdAt ?? Math.floor(Date.now() / 1000),
    data: { call_id: callId, sip_headers: sipHeaders, sip_media_security: "srtp" },
  };
}

/** The sender: `deliver` signs and hands an event to `target`; `redeliver` sends a delivery again. */
export function webhookSender(target: (req: Request) => Promise<Response>, secret = WEBHOOK_SECRET) {
  const sent: Delivery[] = [];
  const post = (d: Delivery) =>
    target(new Request("http://127.0.0.1/voice-call", { method: "POST", body: d.body, headers: d.headers }));
  return {
    sent,
    /** Signs `event` (now, or `ageSeconds` ago; with `secret` to sign wrongly) and POSTs it. */
    async deliver(
      event: unknown,
      options: { ageSeconds?: number; secret?: string; id?: string } = {},
    ): Promise<{ res: Response; delivery: Delivery }> {
      const body = JSON.stringify(event);
      const id = options.id ?? `wh_${crypto.randomUUID().replaceAll("-", "")}`;
      const timestamp = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
      const delivery = {
        id,
        body,
        headers: await signDelivery(options.secret ?? secret, id, timestamp, body),
      };
      sent.push(delivery);
      return { res: await post(delivery), delivery };
    },
    /** The same delivery again (same id, timestamp and signature), as OpenAI retries. */
    redeliver(delivery: Delivery): Promise<Response> {
      return post(delivery);
    },
  };
}
