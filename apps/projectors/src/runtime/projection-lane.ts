import type { ConsumedEvent, EventBatch, EventCodec, LogClient } from '@chat/events';
import type { Logger } from '@chat/observability';
import { versionKey, type ProjectionName } from '@chat/views';
import type { Pool } from 'pg';
import { applyInOneUnit } from './apply-in-one-unit';
import { Parking } from './parking';
import { projectionMetrics } from './projection-metrics';
import { isStoreRefusal } from './store-refusal';
import type { ProjectionStore, StoreKind } from './unit-of-work';

export interface ProjectionLaneOptions {
  projection: { name: ProjectionName; version: number; topics: string[] };
  /** The store the projection's view is kept in; lanes given the same one may share its units. */
  store: ProjectionStore;
  kafka: LogClient;
  codec: EventCodec;
  logger: Logger;
  /** Where parked conversations are kept, whatever store the projection writes to. */
  pool: Pool;
  /** How often requested resumes of parked conversations are looked for (default 1 s). */
  resumeIntervalMs?: number;
}

/**
 * One projection version's part of a consumer: the topics it reads, its store and its parked
 * conversations. Several lanes can share one consumer (see runProjectionLanes); each still
 * decides from its own position what it has applied.
 */
export class ProjectionLane {
  /** The version key, `inbox_v1`. */
  readonly key: string;
  readonly topics: string[];
  readonly store: ProjectionStore;
  readonly parking: Parking;
  private readonly logger: Logger;

  constructor(options: ProjectionLaneOptions) {
    this.key = versionKey(options.projection.name, options.projection.version);
    this.topics = options.projection.topics;
    this.store = options.store;
    this.logger = options.logger.child({ projection: this.key });
    this.parking = new Parking({ ...options, key: this.key, logger: this.logger });
  }

  /** Only lanes writing to the same store share a consumer (see runLanesByStoreAndLag). */
  get writesTo(): StoreKind {
    return this.store.kind;
  }

  /**
   * Applies a batch of one of its topics on its own and moves its position, timed; a store
   * refusing an event parks its conversation instead of failing. Anything else is logged and
   * thrown for the consumer to retry.
   */
  async handleBatch(batch: EventBatch): Promise<void> {
    const timer = projectionMetrics.batchSeconds.startTimer({ projection: this.key });
    try {
      await this.parking.withFlowing(batch, (flowing) => this.applyParkingRefused(batch, flowing));
    } catch (error) {
      this.store.forget();
      this.logger.error(
        { err: error, partition: batch.partition },
        'batch failed; it will be retried',
      );
      throw error;
    } finally {
      timer();
    }
  }

  positionOf(topic: string, partition: number): Promise<bigint> {
    return this.store.positionOf({ key: this.key, topic, partition });
  }

  onJoin(assigned: Record<string, number[]>): void {
    this.store.forget();
    this.parking.onJoin(assigned);
  }

  start(): Promise<void> {
    return this.parking.start();
  }

  stop(): Promise<void> {
    return this.parking.stop();
  }

  /**
   * The flowing events in one unit; if the store refuses them, one event at a time in log
   * order: a refused one parks its conversation, whose later events in the batch are held
   * behind it, and the position still moves past the batch.
   */
  private async applyParkingRefused(batch: EventBatch, flowing: ConsumedEvent[]): Promise<void> {
    try {
      await applyInOneUnit(this.store, [{ key: this.key, batch, flowing }]);
      return;
    } catch (error) {
      if (!isStoreRefusal(error)) throw error;
      this.store.forget();
      this.logger.warn({ err: error, partition: batch.partition }, 'batch refused: isolating');
    }
    const held = (count: number) =>
      projectionMetrics.events.inc({ projection: this.key, outcome: 'held' }, count);
    held(batch.events.length - flowing.length);
    for (const consumed of flowing) {
      if (this.parking.isHeld(consumed)) {
        held(1);
        continue;
      }
      const one = { ...batch, events: [consumed], lastOffset: consumed.offset };
      try {
        await applyInOneUnit(this.store, [{ key: this.key, batch: one, flowing: one.events }]);
      } catch (error) {
        if (!isStoreRefusal(error)) throw error;
        this.store.forget();
        await this.parking.hold(consumed, error);
      }
    }
    // Past the last record too (it may be held), so the position moves on.
    await applyInOneUnit(this.store, [
      { key: this.key, batch: { ...batch, events: [] }, flowing: [] },
    ]);
  }
}
