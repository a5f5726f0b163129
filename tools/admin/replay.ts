import { createWriteStream, writeFileSync } from 'node:fs';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import {
  createEventCodec,
  readLogRange,
  type ChatEvent,
  type ConsumedEvent,
  type EventType,
  type LogRange,
} from '@chat/events';
import type { Stores } from './view-stores';

export interface ReplayFilter {
  types?: EventType[];
  conversationIds?: string[];
  /** Events caused by, or about, these users. */
  userIds?: string[];
}

export interface ReplayRange {
  topic: string;
  /** Epoch ms, inclusive; or per-partition offsets `partition:offset`. */
  fromTime?: number;
  toTime?: number;
  fromOffsets?: Map<number, string>;
  toOffsets?: Map<number, string>;
}

/** One replayed event as analysts get it: where it sits in the log, and the event. */
export interface ReplayedRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  type: EventType;
  eventId: string;
  occurredAt: number;
  actorId: string;
  conversationId: string | null;
  userId: string | null;
  event: ChatEvent;
}

/** Offsets for the range: times become offsets through the broker's time index. */
export async function resolveRange(stores: Stores, range: ReplayRange): Promise<LogRange> {
  const ends = await stores.admin.partitionOffsets(range.topic);
  if (range.fromTime !== undefined && range.toTime !== undefined && range.fromTime > range.toTime) {
    throw new Error('the range ends before it starts');
  }
  const atTime = async (time: number | undefined) =>
    time === undefined
      ? undefined
      : new Map(
          (await stores.admin.offsetsAt(range.topic, time)).map((o) => [o.partition, o.offset]),
        );
  const [fromTime, toTime] = await Promise.all([atTime(range.fromTime), atTime(range.toTime)]);
  return {
    topic: range.topic,
    partitions: ends.map(({ partition, low, high }) => {
      const from = range.fromOffsets?.get(partition) ?? fromTime?.get(partition) ?? low;
      const to = range.toOffsets?.get(partition) ?? toTime?.get(partition) ?? high;
      const clamp = (offset: string) =>
        BigInt(offset) < BigInt(low) ? low : BigInt(offset) > BigInt(high) ? high : offset;
      return { partition, from: clamp(from), to: clamp(to) };
    }),
  };
}

const usersOf = (event: ChatEvent): string[] => {
  const users = [event.envelope.actor.userId];
  if ('userId' in event) users.push(event.userId);
  if ('senderId' in event) users.push(event.senderId);
  if (event.type === 'ConversationCreated') users.push(...event.members);
  return users;
};

export function matches(event: ChatEvent, filter: ReplayFilter): boolean {
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.conversationIds) {
    if (!('conversationId' in event) || !filter.conversationIds.includes(event.conversationId))
      return false;
  }
  if (filter.userIds && !usersOf(event).some((user) => filter.userIds!.includes(user)))
    return false;
  return true;
}

/** Bytes (ciphertext) as base64, so every record is plain JSON. */
const plain = (event: ChatEvent): ChatEvent =>
  JSON.parse(
    JSON.stringify(event, (_key, value: unknown) =>
      value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer'
        ? Buffer.from((value as { data: number[] }).data).toString('base64')
        : value,
    ),
  ) as ChatEvent;

export function recordOf(consumed: ConsumedEvent): ReplayedRecord {
  const { event } = consumed;
  return {
    topic: consumed.topic,
    partition: consumed.partition,
    offset: consumed.offset,
    timestamp: consumed.timestamp,
    type: event.type,
    eventId: event.envelope.eventId,
    occurredAt: event.envelope.occurredAt,
    actorId: event.envelope.actor.userId,
    conversationId: 'conversationId' in event ? event.conversationId : null,
    userId: 'userId' in event ? event.userId : null,
    event: plain(event),
  };
}

/** Writes JSON Lines (a file, or stdout) and/or an Arrow IPC file, as records arrive. */
export function replaySinks(options: { jsonl?: string | '-'; arrow?: string }) {
  const lines: NodeJS.WritableStream | undefined =
    options.jsonl === '-'
      ? process.stdout
      : options.jsonl
        ? createWriteStream(options.jsonl)
        : undefined;
  const columns = {
    topic: [] as string[],
    partition: [] as number[],
    offset: [] as bigint[],
    timestamp: [] as number[],
    type: [] as string[],
    event_id: [] as string[],
    occurred_at: [] as number[],
    actor_id: [] as string[],
    conversation_id: [] as Array<string | null>,
    user_id: [] as Array<string | null>,
    payload: [] as string[],
  };
  return {
    async write(record: ReplayedRecord) {
      if (lines && !lines.write(`${JSON.stringify(record)}\n`)) {
        await new Promise<void>((resolve) => lines.once('drain', () => resolve()));
      }
      if (options.arrow) {
        columns.topic.push(record.topic);
        columns.partition.push(record.partition);
        columns.offset.push(BigInt(record.offset));
        columns.timestamp.push(record.timestamp);
        columns.type.push(record.type);
        columns.event_id.push(record.eventId);
        columns.occurred_at.push(record.occurredAt);
        columns.actor_id.push(record.actorId);
        columns.conversation_id.push(record.conversationId);
        columns.user_id.push(record.userId);
        columns.payload.push(JSON.stringify(record.event));
      }
    },
    async close() {
      if (options.arrow) {
        const table = tableFromArrays({
          ...columns,
          partition: Int32Array.from(columns.partition),
          offset: BigInt64Array.from(columns.offset),
          timestamp: Float64Array.from(columns.timestamp),
          occurred_at: Float64Array.from(columns.occurred_at),
        });
        writeFileSync(options.arrow, tableToIPC(table, 'file'));
      }
      if (lines && lines !== process.stdout) {
        await new Promise<void>((resolve) => lines.end(() => resolve()));
      }
    },
  };
}

export interface ReplayStats {
  read: number;
  written: number;
  unreadable: number;
  seconds: number;
}

/** Reads the range, keeps what the filter matches, writes it to the sinks. */
export async function replay(
  stores: Stores,
  range: ReplayRange,
  filter: ReplayFilter,
  sinks: ReturnType<typeof replaySinks>,
  options: {
    onProgress?: (read: number, total: number) => void;
    /** Bytes fetched per partition per request (small values force many fetches). */
    fetchBytes?: number;
  } = {},
): Promise<ReplayStats> {
  const { onProgress } = options;
  const resolved = await resolveRange(stores, range);
  const total = resolved.partitions.reduce((n, p) => n + Number(BigInt(p.to) - BigInt(p.from)), 0);
  const codec = createEventCodec({ registryUrl: stores.config.registry.value });
  const started = performance.now();
  const stats = { read: 0, written: 0, unreadable: 0, seconds: 0 };
  await readLogRange(
    stores.kafka,
    codec,
    resolved,
    {
      onEvent: async (consumed) => {
        stats.read++;
        if (stats.read % 1000 === 0) onProgress?.(stats.read, total);
        if (!matches(consumed.event, filter)) return;
        stats.written++;
        await sinks.write(recordOf(consumed));
      },
      onUnreadable: () => {
        stats.read++;
        stats.unreadable++;
      },
    },
    { fetchBytes: options.fetchBytes },
  );
  await sinks.close();
  stats.seconds = (performance.now() - started) / 1000;
  onProgress?.(stats.read, total);
  return stats;
}
