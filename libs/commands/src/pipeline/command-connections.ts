import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import type { ObjectStore } from '@chat/storage';
import type { EventLog } from './event-log';

/**
 * What command handling takes from the process it runs in: its configuration and connections.
 * The app provides it under this class; every piece of the pipeline is made from it.
 */
export abstract class CommandConnections {
  abstract readonly config: Config;
  abstract readonly pool: Pool;
  abstract readonly redis: Redis;
  abstract readonly log: EventLog;
  /** Media on messages; without it a command that carries or signs media is refused (503). */
  abstract readonly objects: ObjectStore | null;
}
