import {
  partitionKeyOf,
  readLogRange,
  type ConsumedEvent,
  type EventBatch,
  type EventCodec,
  type LogClient,
} from '@chat/events';
import type { Logger } from '@chat/observability';
import {
  listParked,
  park,
  parkedConversation,
  resumeDue,
  resumeRefused,
  requestResume,
  unpark,
  type ParkedConversation,
  type Queryable,
} from '@chat/views';
import type { Pool } from 'pg';
import { projectionMetrics } from './projection-metrics';
import { isStoreRefusal } from './store-refusal';

/** What a runner's store does for the parking layer. */
export interface ParkableStore {
  /** Applies a batch's events and moves the partition's position past `lastOffset`. */
  applyBatch(batch: EventBatch): Promise<void>;
  /**
   * Applies one conversation's held events, moving no position, then runs `settle` (in the
   * same transaction, for a store that has one). `through` is the partition position the
   * events were read up to: a store that can lock its position refuses to go on if it moved.
   */
  applyHeld(
    events: ConsumedEvent[],
    through: { topic: string; partition: number; next: bigint },
    settle: (db: Queryable) => Promise<void>,
  ): Promise<void>;
  positionOf(topic: string, partition: number): Promise<bigint>;
  /** Forget whatever is remembered between batches: a write failed part way. */
  forget?(): void;
}

export interface Parking {
  /** Asks for every parked conversation of the version to resume (a start may ship a fix). */
  start(): Promise<void>;
  /** The consumer's handler: the batch, minus held conversations, parking what is refused. */
  handleBatch(batch: EventBatch): Promise<void>;
  /**
   * Runs `task` in the partition's order (no batch or resume of this version in between) with
   * the batch's events minus the held ones: for a caller that applies them itself.
   */
  withFlowing<T>(batch: EventBatch, task: (flowing: ConsumedEvent[]) => Promise<T>): Promise<T>;
  onJoin(assigned: Record<string, number[]>): void;
  stop(): Promise<void>;
}

/**
 * Parks a conversation in one projection version when the store refuses one of its events.
 * Whether an event counts, and its seq, is the domain's decision, the same in every projection;
 * a store that cannot hold it must not make this projection skip it. So its conversation's
 * events from there on are held (not applied), while the partition, its position and every
 * other conversation go on. The park is written before the position moves past the event.
 *
 * A resume (requested by `chat-admin unpark`, and by every start, after a code fix) runs in the
 * partition's serialized handler of the instance that owns the partition: it reads the
 * conversation's events from the first held offset to the position with a throwaway reader,
 * applies them in order and unparks; refused again, the conversation stays parked with the
 * new reason.
 */
export function createParking(options: {
  key: string;
  pool: Pool;
  kafka: LogClient;
  codec: EventCodec;
  logger: Logger;
  store: ParkableStore;
  /** How often requested resumes are looked for (default 1 s). */
  resumeIntervalMs?: number;
}): Parking {
  const { key, pool, store } = options;
  const logger = options.logger.child({ component: 'parking' });
  /** The version's parked conversations by log key; changed only inside a partition's chain. */
  let parked = new Map<string, ParkedConversation>();
  let loaded: Promise<void> = Promise.resolve();
  let assigned: Record<string, number[]> = {};
  const chains = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  /** One task at a time per partition: batches and resumes never interleave. */
  function serial<T>(topic: string, partition: number, task: () => Promise<T>): Promise<T> {
    const id = `${topic}:${partition}`;
    const run = (chains.get(id) ?? Promise.resolve()).then(task);
    chains.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  }

  async function reload() {
    const rows = await listParked(pool, key);
    parked = new Map(rows.map((row) => [row.conversationId, row]));
    projectionMetrics.parked.set({ projection: key }, parked.size);
  }

  /** The parks as loaded at the last join; a failed load is tried again. */
  async function ensureLoaded() {
    try {
      await loaded;
    } catch {
      loaded = reload();
      await loaded;
    }
  }

  const isHeld = (consumed: ConsumedEvent) => parked.has(partitionKeyOf(consumed.event));

  async function hold(consumed: ConsumedEvent, error: unknown) {
    const conversationId = partitionKeyOf(consumed.event);
    const reason = (error as Error).message ?? String(error);
    const row = {
      projection: key,
      conversationId,
      topic: consumed.topic,
      partition: consumed.partition,
      firstHeldOffset: BigInt(consumed.offset),
      reason,
    };
    await park(pool, row);
    parked.set(
      conversationId,
      (await parkedConversation(pool, key, conversationId)) ?? {
        ...row,
        parkedAt: new Date(),
        resumeRequestedAt: null,
        attemptedAt: null,
      },
    );
    projectionMetrics.parked.set({ projection: key }, parked.size);
    logger.warn(
      { err: error, conversationId, partition: consumed.partition, offset: consumed.offset },
      'store refused an event: conversation parked',
    );
  }

  async function applyParking(batch: EventBatch) {
    const flowing = batch.events.filter((e) => !isHeld(e));
    projectionMetrics.events.inc(
      { projection: key, outcome: 'held' },
      batch.events.length - flowing.length,
    );
    try {
      await store.applyBatch({ ...batch, events: flowing });
      return;
    } catch (error) {
      if (!isStoreRefusal(error)) throw error;
      store.forget?.();
      logger.warn({ err: error, partition: batch.partition }, 'batch refused: isolating');
    }
    // One event at a time, in log order: the refused ones park their conversation, and the
    // conversation's later events in the batch are held behind them.
    for (const consumed of flowing) {
      if (isHeld(consumed)) {
        projectionMetrics.events.inc({ projection: key, outcome: 'held' });
        continue;
      }
      try {
        await store.applyBatch({ ...batch, events: [consumed], lastOffset: consumed.offset });
      } catch (error) {
        if (!isStoreRefusal(error)) throw error;
        store.forget?.();
        await hold(consumed, error);
      }
    }
    // Past the last record too (it may be held), so the position moves on.
    await store.applyBatch({ ...batch, events: [] });
  }

  /** Inside the partition's chain: applies a parked conversation's held events, or re-parks. */
  async function resume(conversationId: string) {
    const row = await parkedConversation(pool, key, conversationId);
    if (!row || !resumeDue(row)) return;
    const next = await store.positionOf(row.topic, row.partition);
    const held: ConsumedEvent[] = [];
    await readLogRange(
      options.kafka,
      options.codec,
      {
        topic: row.topic,
        partitions: [
          { partition: row.partition, from: row.firstHeldOffset.toString(), to: next.toString() },
        ],
      },
      {
        onEvent: (consumed) => {
          if (partitionKeyOf(consumed.event) === conversationId) held.push(consumed);
        },
        // Undecodable records went to the dead-letter topic: no projection has them.
      },
    );
    try {
      await store.applyHeld(held, { topic: row.topic, partition: row.partition, next }, (db) =>
        unpark(db, key, conversationId),
      );
      parked.delete(conversationId);
      logger.info(
        { conversationId, partition: row.partition, events: held.length },
        'held events applied: conversation resumed',
      );
    } catch (error) {
      store.forget?.();
      if (!isStoreRefusal(error)) throw error;
      await resumeRefused(pool, key, conversationId, (error as Error).message);
      parked.set(conversationId, { ...row, reason: (error as Error).message });
      logger.warn(
        { err: error, conversationId },
        'resume refused again: conversation stays parked',
      );
    } finally {
      projectionMetrics.parked.set({ projection: key }, parked.size);
    }
  }

  /** Finds requested resumes of owned partitions and queues each on its partition's chain. */
  async function resumeRequested() {
    await ensureLoaded();
    const rows = await listParked(pool, key);
    projectionMetrics.parked.set({ projection: key }, rows.length);
    const owned = rows.filter(
      (row) => resumeDue(row) && assigned[row.topic]?.includes(row.partition),
    );
    await Promise.all(
      owned.map((row) =>
        serial(row.topic, row.partition, () => resume(row.conversationId)).catch(
          (error: unknown) => {
            logger.warn({ err: error, conversationId: row.conversationId }, 'resume failed');
          },
        ),
      ),
    );
  }

  const loop = () => {
    timer = setTimeout(() => {
      resumeRequested()
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not read parked conversations'),
        )
        .finally(() => {
          if (!stopped) loop();
        });
    }, options.resumeIntervalMs ?? 1000);
  };

  return {
    async start() {
      stopped = false;
      await requestResume(pool, key);
      loaded = reload();
      await loaded;
      loop();
    },

    handleBatch: (batch) =>
      serial(batch.topic, batch.partition, async () => {
        await ensureLoaded();
        await applyParking(batch);
      }),

    withFlowing: (batch, task) =>
      serial(batch.topic, batch.partition, async () => {
        await ensureLoaded();
        return task(batch.events.filter((e) => !isHeld(e)));
      }),

    onJoin(partitions) {
      assigned = partitions;
      // Partitions may have moved here from an instance that parked in them meanwhile.
      loaded = reload();
      loaded.catch((error: unknown) =>
        logger.warn({ err: error }, 'could not load parked conversations'),
      );
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(chains.values());
    },
  };
}
