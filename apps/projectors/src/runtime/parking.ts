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
} from '@chat/views';
import type { Pool } from 'pg';
import { positionId } from './position-ref';
import { projectionMetrics } from './projection-metrics';
import { isStoreRefusal } from './store-refusal';
import type { ProjectionStore } from './unit-of-work';

export interface ParkingOptions {
  /** The version key, `inbox_v1`. */
  key: string;
  /** Where parks are kept, whatever store the projection writes to. */
  pool: Pool;
  kafka: LogClient;
  codec: EventCodec;
  logger: Logger;
  /** The lane's store: a resume applies the held events in one of its units of work. */
  store: ProjectionStore;
  /** How often requested resumes are looked for (default 1 s). */
  resumeIntervalMs?: number;
}

/**
 * The conversations one projection version holds back because its store refused one of their
 * events. Whether an event counts, and its seq, is the domain's decision, the same in every
 * projection; a store that cannot hold it must not make this projection skip it. So its
 * conversation's events from there on are held (not applied), while the partition, its
 * position and every other conversation go on. The park is written before the position moves
 * past the event.
 *
 * Batches see the parks through `withFlowing`, in the partition's order. A resume (requested by
 * `chat-admin unpark`, and by every start, after a code fix) runs in that order too, on the
 * instance that owns the partition: it reads the conversation's events from the first held
 * offset to the position with a throwaway reader, applies them in order and unparks; refused
 * again, the conversation stays parked with the new reason.
 */
export class Parking {
  private readonly logger: Logger;
  /** The version's parked conversations by log key; changed only inside a partition's order. */
  private parked = new Map<string, ParkedConversation>();
  private loaded: Promise<void> = Promise.resolve();
  private assigned: Record<string, number[]> = {};
  private readonly chains = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ParkingOptions) {
    this.logger = options.logger.child({ component: 'parking' });
  }

  /** Asks for every parked conversation of the version to resume (a start may ship a fix). */
  async start(): Promise<void> {
    this.stopped = false;
    await requestResume(this.options.pool, this.options.key);
    this.loaded = this.reload();
    await this.loaded;
    this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.chains.values());
  }

  onJoin(partitions: Record<string, number[]>): void {
    this.assigned = partitions;
    // Partitions may have moved here from an instance that parked in them meanwhile.
    this.loaded = this.reload();
    this.loaded.catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not load parked conversations'),
    );
  }

  /**
   * Runs `task` in the partition's order (no other batch or resume of this version in between)
   * with the batch's events minus those its parked conversations hold.
   */
  withFlowing<T>(batch: EventBatch, task: (flowing: ConsumedEvent[]) => Promise<T>): Promise<T> {
    return this.inOrder(batch.topic, batch.partition, async () => {
      await this.ensureLoaded();
      return task(batch.events.filter((e) => !this.isHeld(e)));
    });
  }

  isHeld(consumed: ConsumedEvent): boolean {
    return this.parked.has(partitionKeyOf(consumed.event));
  }

  /** Parks the event's conversation with the store's refusal as its reason. */
  async hold(consumed: ConsumedEvent, error: unknown): Promise<void> {
    const { key, pool } = this.options;
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
    this.parked.set(
      conversationId,
      (await parkedConversation(pool, key, conversationId)) ?? {
        ...row,
        parkedAt: new Date(),
        resumeRequestedAt: null,
        attemptedAt: null,
      },
    );
    this.countParked();
    this.logger.warn(
      { err: error, conversationId, partition: consumed.partition, offset: consumed.offset },
      'store refused an event: conversation parked',
    );
  }

  /** One task at a time per partition: batches and resumes never interleave. */
  private inOrder<T>(topic: string, partition: number, task: () => Promise<T>): Promise<T> {
    const id = `${topic}:${partition}`;
    const run = (this.chains.get(id) ?? Promise.resolve()).then(task);
    this.chains.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  }

  private countParked(size = this.parked.size) {
    projectionMetrics.parked.set({ projection: this.options.key }, size);
  }

  private async reload() {
    const rows = await listParked(this.options.pool, this.options.key);
    this.parked = new Map(rows.map((row) => [row.conversationId, row]));
    this.countParked();
  }

  /** The parks as loaded at the last join; a failed load is tried again. */
  private async ensureLoaded() {
    try {
      await this.loaded;
    } catch {
      this.loaded = this.reload();
      await this.loaded;
    }
  }

  /** Inside the partition's order: applies a parked conversation's held events, or re-parks. */
  private async resume(conversationId: string) {
    const { key, pool, store } = this.options;
    const row = await parkedConversation(pool, key, conversationId);
    if (!row || !resumeDue(row)) return;
    const through = { key, topic: row.topic, partition: row.partition };
    const next = await store.positionOf(through);
    const held = await this.heldEvents(row, next);
    try {
      // Below the position: a store that locks it applies them and unparks in one unit, so a
      // crash leaves both or neither; the others' writes are idempotent, and a resume cut short
      // is simply done again.
      await store.run([through], async (unit) => {
        if (unit.holdsPositions && unit.positions.get(positionId(through)) !== next) {
          throw new Error(`position of partition ${row.partition} moved during a resume`);
        }
        if (held.length > 0) await unit.apply(key, held);
        unit.alongside((db) => unpark(db, key, conversationId));
      });
      this.parked.delete(conversationId);
      this.logger.info(
        { conversationId, partition: row.partition, events: held.length },
        'held events applied: conversation resumed',
      );
    } catch (error) {
      store.forget();
      if (!isStoreRefusal(error)) throw error;
      await resumeRefused(pool, key, conversationId, (error as Error).message);
      this.parked.set(conversationId, { ...row, reason: (error as Error).message });
      this.logger.warn(
        { err: error, conversationId },
        'resume refused again: conversation stays parked',
      );
    } finally {
      this.countParked();
    }
  }

  /** The conversation's events from its first held offset up to the position. */
  private async heldEvents(row: ParkedConversation, next: bigint): Promise<ConsumedEvent[]> {
    const held: ConsumedEvent[] = [];
    await readLogRange(
      this.options.kafka,
      this.options.codec,
      {
        topic: row.topic,
        partitions: [
          { partition: row.partition, from: row.firstHeldOffset.toString(), to: next.toString() },
        ],
      },
      {
        onEvent: (consumed) => {
          if (partitionKeyOf(consumed.event) === row.conversationId) held.push(consumed);
        },
        // Undecodable records went to the dead-letter topic: no projection has them.
      },
    );
    return held;
  }

  /** Finds requested resumes of owned partitions and queues each in its partition's order. */
  private async resumeRequested() {
    await this.ensureLoaded();
    const rows = await listParked(this.options.pool, this.options.key);
    this.countParked(rows.length);
    const owned = rows.filter(
      (row) => resumeDue(row) && this.assigned[row.topic]?.includes(row.partition),
    );
    await Promise.all(
      owned.map((row) =>
        this.inOrder(row.topic, row.partition, () => this.resume(row.conversationId)).catch(
          (error: unknown) => {
            this.logger.warn({ err: error, conversationId: row.conversationId }, 'resume failed');
          },
        ),
      ),
    );
  }

  private loop() {
    this.timer = setTimeout(() => {
      this.resumeRequested()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'could not read parked conversations'),
        )
        .finally(() => {
          if (!this.stopped) this.loop();
        });
    }, this.options.resumeIntervalMs ?? 1000);
  }
}
