import { collapseTopicOf, pushPayload, pushVerdict, type PushVerdict } from '@chat/domain';
import type { PushJob } from './push-sender';

/** A pending row, as the dispatcher reads it. */
export interface DueMessage {
  conversation_id: string;
  message_id: string;
  sender_id: string;
  partition: number;
  offset: string;
  sent_at_ms: string;
  preview: string | null;
  /** The offset of the author's edit the preview is from; null while it is as sent. */
  preview_offset: string | null;
}

/** A subscribed device of a recipient of a judged message, with its facts from the views. */
export interface RecipientDevice {
  conversation_id: string;
  message_id: string;
  seq: number;
  user_id: string;
  device_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  muted: boolean;
  delivered_seq: number;
  badge: number;
}

export interface DeviceDecision {
  device: RecipientDevice;
  verdict: PushVerdict;
}

/** Push services keep a push this long for an unreachable device; later it is not news. */
const TTL_SECONDS = 24 * 3600;

export const messageKey = (m: { conversation_id: string; message_id: string }) =>
  `${m.conversation_id}\u0000${m.message_id}`;
export const deviceKey = (d: { user_id: string; device_id: string }) =>
  `${d.user_id}\u0000${d.device_id}`;
export const ledgerKey = (d: {
  conversation_id: string;
  message_id: string;
  user_id: string;
  device_id: string;
}) => [d.conversation_id, d.message_id, d.user_id, d.device_id].join('\u0000');

/**
 * The messages the inbox has judged: its position on the send's partition is past the send,
 * and past the edit the preview is from. Until then whether it counts, and its seq, are unknown
 * here, and the row waits. This push version must also have seen all the inbox has judged, or
 * an edit could be missing from the preview (one consumer applies both in one transaction, so
 * normally it has).
 */
export function judgedByInbox(
  due: DueMessage[],
  positions: { inbox: Map<number, bigint>; push: Map<number, bigint> },
): DueMessage[] {
  const last = (row: DueMessage) => BigInt(row.preview_offset ?? row.offset);
  return due.filter((row) => {
    const inbox = positions.inbox.get(row.partition) ?? 0n;
    return inbox > last(row) && (positions.push.get(row.partition) ?? 0n) >= inbox;
  });
}

/**
 * Drops the preview of a message whose edit the inbox ignored (the rules decide, not this
 * view): the push then says only that there is a new message. `refused` holds the ignored
 * events as `partition/offset`.
 */
export function withoutRefusedPreviews(
  judged: DueMessage[],
  refused: ReadonlySet<string>,
): DueMessage[] {
  return judged.map((row) =>
    row.preview_offset !== null && refused.has(`${row.partition}/${row.preview_offset}`)
      ? { ...row, preview: null }
      : row,
  );
}

/**
 * Each device's verdict, then the round's share: skips are decided at once, pushes only as many
 * as the sender has room for. A message with more keeps its pending row (`deferred`), and its
 * undecided devices come up again next round (a group of 1,000 is claimed a second's worth at a
 * time). `done` are the messages whose every device is decided.
 */
export function decideRound(input: {
  messages: DueMessage[];
  devices: RecipientDevice[];
  /** Each device's newest sign of life, by deviceKey. */
  alive: ReadonlyMap<string, number>;
  room: number;
  now: number;
  maxAgeMs: number;
}): { decided: DeviceDecision[]; done: DueMessage[]; deferred: Set<string> } {
  const byMessage = new Map(input.messages.map((row) => [messageKey(row), row]));
  const verdicts = input.devices.map((device) => {
    const message = byMessage.get(messageKey(device))!;
    const verdict = pushVerdict(
      { seq: device.seq, sentAt: Number(message.sent_at_ms) },
      {
        muted: device.muted,
        deliveredSeq: device.delivered_seq,
        lastAliveAt: input.alive.get(deviceKey(device)) ?? null,
      },
      { now: input.now, maxAgeMs: input.maxAgeMs },
    );
    return { device, verdict };
  });
  const pushes = verdicts.filter((v) => v.verdict === 'push');
  const deferred = new Set(pushes.slice(input.room).map((v) => messageKey(v.device)));
  const decided = [...verdicts.filter((v) => v.verdict !== 'push'), ...pushes.slice(0, input.room)];
  const done = input.messages.filter((row) => !deferred.has(messageKey(row)));
  return { decided, done, deferred };
}

/** The send of a push this dispatcher claimed. */
export function jobFor(device: RecipientDevice, message: DueMessage, windowMs: number): PushJob {
  const payload = pushPayload(
    {
      conversationId: device.conversation_id,
      seq: device.seq,
      senderId: message.sender_id,
      preview: message.preview,
    },
    device.badge,
  );
  return {
    key: {
      conversationId: device.conversation_id,
      messageId: device.message_id,
      userId: device.user_id,
      deviceId: device.device_id,
    },
    subscription: {
      userId: device.user_id,
      deviceId: device.device_id,
      endpoint: device.endpoint,
      p256dh: device.p256dh,
      auth: device.auth,
    },
    payload: JSON.stringify(payload),
    options: {
      topic: collapseTopicOf(device.conversation_id),
      urgency: 'high',
      ttlSeconds: TTL_SECONDS,
    },
    dueAt: Number(message.sent_at_ms) + windowMs,
  };
}
