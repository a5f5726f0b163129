import { randomUUID } from 'node:crypto';
import { createEventAppender, createEventCodec } from '@chat/events';
import { eventLogFixture } from '@chat/events/testing';
import { ChatQueries, PROJECTIONS, readerVersion, viewVersions } from '@chat/views';
import {
  startProjections,
  type RunningProjections,
} from '../../apps/projectors/src/start-projections';
import { scriptedWorkload } from '../../test/harness/scripted-workload';
import { rebuildProjection, type RebuildProgress } from './rebuild';
import { connectStores, type Stores } from './view-stores';

/**
 * Rebuilds under live traffic: a new version is built beside the live one, verified per
 * conversation, and readers switch to it, while events keep arriving and a client keeps
 * reading without one error. An interrupted rebuild resumes where it stopped.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('rebuild');
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
let stores: Stores;
let live: RunningProjections;

beforeAll(async () => {
  stores = await connectStores(config);
  await appender.connect();
  live = await startProjections(config, { only: ['inbox', 'timeline'], logger });
}, 120000);

afterAll(async () => {
  await live?.stop();
  await appender.disconnect();
  await stores?.close();
});

/** Puts readers back on the version they used and drops the one a test built. */
async function restore(projection: 'inbox' | 'timeline', previous: number, built: number) {
  if (projection === PROJECTIONS.inbox)
    await viewVersions(PROJECTIONS.inbox, { pool: stores.pool }).activate(previous);
  else await viewVersions(PROJECTIONS.timeline, { pool: stores.pool }).activate(previous);
  await viewVersions(projection, stores).drop(built);
}

it('builds, verifies and switches the timeline under live traffic, with no reader error', async () => {
  const workload = scriptedWorkload({
    run: randomUUID().slice(0, 8),
    conversations: 12,
    eventsPerConversation: 120,
  });
  const queries = new ChatQueries({ ...stores, versionsTtlMs: 50 });
  // ann creates every scripted conversation and stays in it.
  const [reader, conversationId] = ['ann', workload.conversationIds[0]!];
  // Traffic and a reader, both running for the whole rebuild.
  let running = true;
  const traffic = (async () => {
    for (let i = 0; i < workload.events.length; i += 60) {
      await appender.append(workload.events.slice(i, i + 60));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const readErrors: unknown[] = [];
  let reads = 0;
  const reading = (async () => {
    while (running) {
      await queries.history(reader, conversationId, { limit: 20 }).then(
        () => reads++,
        (error: unknown) => {
          // Before the conversation reaches the views, "not a member" is the right answer.
          if (!(error instanceof Error && /not a member/.test(error.message)))
            readErrors.push(error);
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const previous = (await readerVersion(stores.pool, PROJECTIONS.timeline))!;
  const result = await rebuildProjection(stores, PROJECTIONS.timeline, { pollMs: 200 });
  await traffic;
  running = false;
  await reading;
  try {
    expect(result).toMatchObject({
      projection: 'timeline',
      previous,
      switched: true,
      differences: [],
    });
    expect(await readerVersion(stores.pool, PROJECTIONS.timeline)).toBe(result.version);
    expect(readErrors).toEqual([]);
    expect(reads).toBeGreaterThan(10);
  } finally {
    await restore('timeline', previous, result.version);
  }
}, 240000);

it('resumes an interrupted rebuild from where it stopped', async () => {
  const previous = (await readerVersion(stores.pool, PROJECTIONS.inbox))!;
  const interrupt = new AbortController();
  const first: RebuildProgress[] = [];
  await expect(
    rebuildProjection(stores, PROJECTIONS.inbox, {
      pollMs: 20,
      signal: interrupt.signal,
      onProgress: (p) => {
        first.push(p);
        if (p.applied > 0n) interrupt.abort();
      },
    }),
  ).rejects.toThrow(/interrupted/);
  const version = first[0]!.version;
  const reached = first.at(-1)!.applied;
  expect(reached).toBeGreaterThan(0n);
  expect(await readerVersion(stores.pool, PROJECTIONS.inbox)).toBe(previous);

  const again: RebuildProgress[] = [];
  const result = await rebuildProjection(stores, PROJECTIONS.inbox, {
    pollMs: 100,
    onProgress: (p) => again.push(p),
  });
  try {
    expect(result.version).toBe(version);
    expect(again[0]!.applied).toBeGreaterThanOrEqual(reached);
    expect(result).toMatchObject({ switched: true, differences: [] });
  } finally {
    await restore('inbox', previous, version);
  }
}, 240000);
