import { forgetParked } from '../parked-conversations';
import { versionKey, type ProjectionName } from '../projection-names';
import {
  droppedError,
  isDropped,
  readerVersion,
  registerVersion,
  setReaderVersion,
  withVersionLock,
} from '../projection-versions';
import { READER_VERSION_TTL_MS } from './reader-versions';
import type { ViewStores } from './version-storage';
import { VERSION_STORAGE } from './version-storages';

/**
 * The life of a view's versions, the same for every view: a version is created beside the
 * others, readers are switched to it, and an old one is dropped. Readers find the active
 * version in one place for every view, the registry's readers row (see ReaderVersions), so
 * activating is that row and nothing else.
 */
export interface ViewVersions {
  readonly projection: ProjectionName;
  /** Makes a version's tables or keys (idempotent) and registers it: projectors may run it. */
  create(version: number): Promise<void>;
  /** Points readers at a version; every reader has switched within READER_VERSION_TTL_MS. */
  activate(version: number): Promise<void>;
  /**
   * Removes a version's tables or keys, positions and parks; its registry row stays, marked
   * dropped, so the number is never used again. The active version is refused (switch readers
   * first); projectors running it stop when they see it gone from the registry.
   */
  drop(version: number): Promise<void>;
  /** The version readers use, or undefined before the first activation. */
  active(): Promise<number | undefined>;
  /**
   * On a fresh system, version 1 exists (empty) and readers use it; later, the active version's
   * tables are brought up to date. Returns the active version.
   */
  ensureReadable(): Promise<number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function viewVersions(projection: ProjectionName, stores: ViewStores): ViewVersions {
  const { pool } = stores;
  const storage = VERSION_STORAGE[projection];
  const versions: ViewVersions = {
    projection,
    async create(version) {
      // A dropped number is refused before anything is made under it (and again, under the
      // lock, when registering). The tables are made outside the lock, which every process's
      // version changes wait on: Cassandra's DDL takes seconds.
      if (await isDropped(pool, projection, version)) throw droppedError(projection, version);
      await storage.create(stores, version);
      await withVersionLock(pool, (transaction) =>
        registerVersion(transaction, projection, version),
      );
    },
    activate: (version) =>
      withVersionLock(pool, (transaction) => setReaderVersion(transaction, projection, version)),
    async drop(version) {
      const key = versionKey(projection, version);
      const sinceSwitch = await withVersionLock(pool, async (transaction) => {
        if ((await readerVersion(transaction, projection)) === version) {
          throw new Error(`${key} is what readers use: switch them first`);
        }
        await transaction.query(
          `UPDATE projection_versions SET dropped_at = now()
           WHERE projection = $1 AND version = $2 AND dropped_at IS NULL`,
          [projection, version],
        );
        return msSinceReadersSwitched(transaction, projection);
      });
      // A reader may go on using the version it last looked up until its lookup expires.
      if (sinceSwitch < READER_VERSION_TTL_MS) await sleep(READER_VERSION_TTL_MS - sinceSwitch);
      await forgetParked(pool, key);
      await storage.remove(stores, version);
    },
    active: () => readerVersion(pool, projection),
    async ensureReadable() {
      const current = await readerVersion(pool, projection);
      await versions.create(current ?? 1);
      if (current === undefined) await versions.activate(1);
      return current ?? 1;
    },
  };
  return versions;
}

async function msSinceReadersSwitched(
  db: Parameters<typeof readerVersion>[0],
  projection: ProjectionName,
): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(
    `SELECT extract(epoch FROM now() - switched_at) * 1000 AS ms
     FROM projection_readers WHERE projection = $1`,
    [projection],
  );
  return rows[0] ? Number(rows[0].ms) : Infinity;
}
