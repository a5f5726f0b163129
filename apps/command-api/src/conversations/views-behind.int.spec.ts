import { randomUUID } from 'node:crypto';
import { createLogAdmin, TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { PROJECTIONS, readerVersion, versionKey } from '@chat/views';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { startTogether } from '../../../../test/harness/start-together';

/**
 * A refusal decided on a view that has not read the log as far as the request saw it is no
 * answer: the conversation a client just created may simply not be there yet. Such a request
 * is a retriable 503, and the same request succeeds once the view has caught up.
 */
const { config, logger, kafka } = eventLogFixture('views-behind');
const run = randomUUID().slice(0, 8);
let api: CommandApi;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;

beforeAll(async () => {
  [api, projector] = await startTogether([
    startCommandApi({ CHAT_RATE_LIMIT_PER_SECOND: '1000', CHAT_RATE_LIMIT_BURST: '1000' }),
    startInboxProjector(config, kafka, logger),
  ]);
});

afterAll(async () => {
  await Promise.all([api.close(), projector.stop()]);
});

/**
 * Holds the inbox still: its writers take the position row of a partition before applying a
 * batch, so while a transaction holds every one of them, the view moves no further.
 */
async function holdInbox() {
  const version = await readerVersion(projector.pool, PROJECTIONS.inbox);
  const key = versionKey(PROJECTIONS.inbox, version!);
  const admin = await createLogAdmin(kafka);
  const partitions = (await admin.partitionOffsets(TOPICS.conversations)).map((p) => p.partition);
  await admin.disconnect();
  const client = await projector.pool.connect();
  await client.query('BEGIN');
  for (const partition of partitions) {
    await client.query(
      `INSERT INTO projection_positions (projection, topic, partition, next_offset)
       VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
      [key, TOPICS.conversations, partition],
    );
  }
  await client.query(
    'SELECT 1 FROM projection_positions WHERE projection = $1 AND topic = $2 FOR UPDATE',
    [key, TOPICS.conversations],
  );
  return async () => {
    await client.query('COMMIT');
    client.release();
  };
}

it('answers a send to a conversation the view has not reached yet with a retriable 503, then 202', async () => {
  const alice = await api.as(`alice-${run}`);
  const release = await holdInbox();
  let conversationId: string;
  try {
    const created = await alice.post('/v1/conversations/groups', {
      title: 'Just made',
      members: [`bob-${run}`],
    });
    expect(created.status).toBe(202);
    conversationId = created.body.conversationId as string;
    const message = { clientMessageId: `c-${run}`, body: 'first' };
    const early = await alice.post(`/v1/conversations/${conversationId}/messages`, message);
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ status: 503, code: 'views-behind' });
    expect(early.headers.get('retry-after')).toBe('1');
  } finally {
    await release();
  }
  // The same request, retried once the view moves: accepted.
  const later = await waitFor('the send to be accepted', async () => {
    const answer = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: `c-${run}`,
      body: 'first',
    });
    return answer.status === 503 ? undefined : answer;
  });
  expect(later.status).toBe(202);
}, 120000);
