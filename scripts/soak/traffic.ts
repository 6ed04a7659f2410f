/** Traffic shaped like Meta's webhooks: many senders, bursts, redeliveries (some late), statuses out of order. */
import type { FakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";
import {
  buttonReplyMessage,
  contact,
  mediaMessage,
  signedRequest,
  statusUpdate,
  textMessage,
  webhookPayload,
} from "../../supabase/functions/_testing/meta.ts";
import { sleep } from "./faults.ts";

export interface Profile {
  name: string;
  senders: number;
  messages: number;
  /** How long the traffic lasts, ms. */
  durationMs: number;
  /** When a late redelivery comes, ms after the first delivery (from, to). */
  lateRedeliveryMs: [number, number];
  /** Fault times as a share of durationMs. */
  postgresStopAt: number;
  /** How long Postgres stays stopped, ms. */
  postgresDownMs: number;
  /** The share of messages Meta delivers twice (0.1 when absent), 30% of those late. */
  redelivered?: number;
  gatewayKillAt: number;
  /** How long the function server stays down, ms. */
  gatewayDownMs: number;
  /** After the traffic, how long the drain may take before the soak fails. */
  drainDeadlineMs: number;
  /** How often the soak does what pg_cron does every minute (requeue stuck work, ask for a drain). */
  cronMs: number;
  /** Whether the clock is moved past the claim lease (90 s) and requeue's 2 minutes instead of waited for. */
  moveClock: boolean;
  /** Operators who each ask for this many vouchers and confirm them (scripts/soak/operators.ts). */
  operators: number;
  vouchersPerOperator: number;
}

export const PROFILES: Record<string, Profile> = {
  short: {
    name: "short",
    senders: 60,
    messages: 300,
    durationMs: 20_000,
    lateRedeliveryMs: [4_000, 10_000],
    postgresStopAt: 0.25,
    postgresDownMs: 4_000,
    gatewayKillAt: 0.55,
    gatewayDownMs: 2_000,
    drainDeadlineMs: 90_000,
    cronMs: 3_000,
    moveClock: true,
    operators: 3,
    vouchersPerOperator: 3,
  },
  long: {
    name: "long",
    senders: 2_000,
    messages: 20_000,
    durationMs: 20 * 60_000,
    lateRedeliveryMs: [60_000, 240_000],
    postgresStopAt: 0.3,
    postgresDownMs: 4_000,
    gatewayKillAt: 0.6,
    gatewayDownMs: 10_000,
    drainDeadlineMs: 6 * 60_000,
    cronMs: 60_000,
    moveClock: false,
    // 20 creates each in 20 minutes: under operator_effects_per_hour (60); at most 20,090 RWF each
    // (under the approval threshold, 100,000) and 211,800 RWF in all (under the daily cap, 1,000,000).
    // registerStaff refuses a profile that would pass one of them.
    operators: 10,
    vouchersPerOperator: 20,
  },
};

/** One webhook delivery as the soak saw it: when it started, how long until a 200, how many tries. */
export interface Delivery {
  id: string;
  at: number;
  ackMs: number;
  tries: number;
  redelivery: boolean;
}

/** One planned inbound message. */
export interface Planned {
  id: string;
  waId: string;
  at: number;
}

/** The messages of a profile: each sender writes in bursts of 1 to 4 messages a few hundred ms apart. */
export function plan(profile: Profile, runId: string, random: () => number): Planned[] {
  const senders = Array.from({ length: profile.senders }, (_, i) => `2507${String(80_000_000 + i)}`);
  const out: Planned[] = [];
  while (out.length < profile.messages) {
    const waId = senders[Math.floor(random() * senders.length)]!;
    let at = random() * profile.durationMs * 0.95;
    const burst = 1 + Math.floor(random() * 4);
    for (let b = 0; b < burst && out.length < profile.messages; b++) {
      out.push({ id: `wamid.SOAK${runId}${String(out.length).padStart(6, "0")}`, waId, at });
      at += 100 + random() * 400;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export interface TrafficOptions {
  webhook: () => string;
  secret: string;
  phoneNumberId: string;
  started: number;
  random: () => number;
  profile: Profile;
  /** Every answer of the webhook, whatever its status, when given (the acknowledgement across an outage). */
  answers?: Answer[];
  /** This share of the messages are voice notes whose audio `graph` serves (redelivered like the others). */
  voice?: { graph: FakeGraph; share: number };
}

/** One POST as Meta saw it: when it started (ms since the start), how long its answer took, the status (0: none). */
export interface Answer {
  at: number;
  ms: number;
  status: number;
}

/** Posts a payload as Meta does: until a 200, backing off between tries (the server may be down). */
async function deliver(o: TrafficOptions, payload: unknown): Promise<{ tries: number; ok: boolean }> {
  for (let tries = 1, wait = 250;; tries++, wait = Math.min(wait * 2, 4_000)) {
    const at = performance.now();
    const status = await fetch(await signedRequest(o.webhook(), payload, o.secret)).then(
      async (r) => (await r.body?.cancel(), r.status),
      () => 0,
    );
    o.answers?.push({ at: at - o.started, ms: performance.now() - at, status });
    if (status === 200) return { tries, ok: true };
    if (performance.now() - o.started > o.profile.durationMs + o.profile.drainDeadlineMs) {
      return { tries, ok: false };
    }
    await sleep(wait);
  }
}

/** One text message from `waId` posted as Meta does (with `mediaId`, a voice note; with `tap`, a tap on
 * the reply button of that id, titled `body`); a delivery that ends in a 200 is recorded. */
export async function postText(
  o: TrafficOptions,
  m: { id: string; waId: string; body: string; mediaId?: string; tap?: string },
  redelivery: boolean,
  sentAt: Date,
  deliveries: Delivery[],
): Promise<void> {
  const at = performance.now() - o.started;
  const payload = webhookPayload({
    phoneNumberId: o.phoneNumberId,
    messages: [
      m.mediaId
        ? mediaMessage("audio", { id: m.id, from: m.waId, mediaId: m.mediaId, timestamp: sentAt })
        : m.tap === undefined
        ? textMessage({ id: m.id, from: m.waId, body: m.body, timestamp: sentAt })
        : buttonReplyMessage({ id: m.id, from: m.waId, replyId: m.tap, title: m.body, timestamp: sentAt }),
    ],
    contacts: [contact({ waId: m.waId, name: "Soak" })],
  });
  const { tries, ok } = await deliver(o, payload);
  if (ok) deliveries.push({ id: m.id, at, ackMs: performance.now() - o.started - at, tries, redelivery });
}

/** When Meta delivers a message again (ms after the first time), for `share` of them, 30% of those late. */
export function redeliveryDelay(o: TrafficOptions, share: number): number | undefined {
  const r = o.random();
  if (r >= share) return undefined;
  const [from, to] = o.profile.lateRedeliveryMs;
  return r < share * 0.3 ? from + o.random() * (to - from) : 200 + o.random() * 800;
}

/** Sends the planned messages at their times; 10% (the profile's `redelivered`) are delivered again, 30% of those late. */
export async function sendTraffic(o: TrafficOptions, planned: Planned[], deliveries: Delivery[]) {
  const pending: Promise<void>[] = [];
  for (const m of planned) {
    const wait = m.at - (performance.now() - o.started);
    if (wait > 0) await sleep(wait);
    const sentAt = new Date();
    const text = { ...m, body: `Muraho, ndashaka voucher (${m.id.slice(-4)})`, mediaId: voiceNote(o, m.id) };
    pending.push(postText(o, text, false, sentAt, deliveries));
    const delay = redeliveryDelay(o, o.profile.redelivered ?? 0.1);
    if (delay !== undefined) {
      pending.push(sleep(delay).then(() => postText(o, text, true, sentAt, deliveries)));
    }
  }
  await Promise.all(pending);
}

/** For the profile's share of messages, the media id of a voice note the fake Graph API serves. */
function voiceNote(o: TrafficOptions, id: string): string | undefined {
  if (!o.voice || o.random() >= o.voice.share) return undefined;
  const mediaId = `9${id.replace(/\D/g, "")}`;
  o.voice.graph.media.add(mediaId, {
    bytes: new Uint8Array(4_000).fill(79),
    mimeType: "audio/ogg; codecs=opus",
  });
  return mediaId;
}

/**
 * For each reply the fake Graph API accepted, posts its statuses in a shuffled order (read before
 * delivered, say), as Meta may; returns a stop that waits for the posts under way.
 */
export function statusFeed(o: TrafficOptions, graph: FakeGraph): () => Promise<number> {
  let seen = 0;
  let posted = 0;
  const pending: Promise<unknown>[] = [];
  const timer = setInterval(() => {
    for (; seen < graph.sent.length; seen++) {
      const sent = graph.sent[seen]!;
      if (!sent.to) continue;
      const order = ["sent", "delivered", "read"].sort(() => o.random() - 0.5);
      pending.push((async () => {
        for (const status of order) {
          const update = statusUpdate({
            id: sent.id,
            status,
            timestamp: new Date(),
            recipientId: sent.to,
            // Meta returns a send's callback data in its statuses: how a reply whose send was never
            // recorded (its server died) is recognised instead of sent again.
            callbackData: sent.callbackData,
          });
          const body = webhookPayload({ phoneNumberId: o.phoneNumberId, statuses: [update] });
          if ((await deliver(o, body)).ok) posted++;
        }
      })());
    }
  }, 300);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
    return posted;
  };
}
