import { randomUUID } from 'node:crypto';
import { createEventAppender, createEventCodec } from '@chat/events';
import { eventLogFixture } from '@chat/events/testing';
import { PROJECTIONS, readerVersion, viewVersions } from '@chat/views';
import {
  startProjections,
  type RunningProjections,
} from '../../apps/projectors/src/start-projections';
import { scriptedWorkload } from '../../test/harness/scripted-workload';
import { rebuildProjection } from './rebuild';
import { connectStores, type Stores } from './view-stores';

/** The search index rebuilds like every projection: beside the live one, verified, switched. */
const { config, logger, kafka, registryUrl } = eventLogFixture('rebuild-search');
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
let stores: Stores;
let live: RunningProjections;

beforeAll(async () => {
  stores = await connectStores(config);
  await appender.connect();
  live = await startProjections(config, { only: ['search'], logger });
}, 120000);

afterAll(async () => {
  await live?.stop();
  await appender.disconnect();
  await stores?.close();
});

it('builds, verifies by digest and switches the search index', async () => {
  const workload = scriptedWorkload({
    run: randomUUID().slice(0, 8),
    conversations: 4,
    eventsPerConversation: 60,
  });
  await appender.append(workload.events);
  const previous = (await readerVersion(stores.pool, PROJECTIONS.search))!;
  const result = await rebuildProjection(stores, PROJECTIONS.search, { pollMs: 200 });
  try {
    expect(result).toMatchObject({
      projection: 'search',
      previous,
      switched: true,
      differences: [],
    });
    expect(await readerVersion(stores.pool, PROJECTIONS.search)).toBe(result.version);
  } finally {
    await viewVersions(PROJECTIONS.search, { pool: stores.pool }).activate(previous);
    await viewVersions(PROJECTIONS.search, stores).drop(result.version);
  }
}, 240000);
