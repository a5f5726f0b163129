import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { tableFromIPC } from 'apache-arrow';
import { createEventAppender, createEventCodec, TOPICS, type ChatEvent } from '@chat/events';
import { eventLogFixture } from '@chat/events/testing';
import { scriptedWorkload } from '../../test/harness/scripted-workload';
import { replay, replaySinks, type ReplayFilter, type ReplayedRecord } from './replay';
import { connectStores, type Stores } from './view-stores';

/**
 * Replay on a known log: a workload appended between two marks of the log's end, read back
 * by offsets and by time, filtered, in both formats; and the CLI's answers to bad arguments.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('replay');
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
const run = randomUUID().slice(0, 8);
const early = scriptedWorkload({ run: `${run}-a`, conversations: 3, eventsPerConversation: 40 });
const late = scriptedWorkload({ run: `${run}-b`, conversations: 2, eventsPerConversation: 30 });
const dir = mkdtempSync(join(tmpdir(), 'replay-'));
let stores: Stores;
let marks: { before: Map<number, string>; between: number; after: Map<number, string> };

const endOffsets = async () =>
  new Map(
    (await stores.admin.partitionOffsets(TOPICS.conversations)).map((o) => [o.partition, o.high]),
  );

beforeAll(async () => {
  stores = await connectStores(config);
  await appender.connect();
  const before = await endOffsets();
  await appender.append(early.events);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const between = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await appender.append(late.events);
  marks = { before, between, after: await endOffsets() };
}, 60000);

afterAll(async () => {
  await appender.disconnect();
  await stores?.close();
});

async function replayed(filter: ReplayFilter, range: { fromTime?: number } = {}) {
  const out = join(dir, `${randomUUID()}.jsonl`);
  const arrow = join(dir, `${randomUUID()}.arrow`);
  const stats = await replay(
    stores,
    {
      topic: TOPICS.conversations,
      fromOffsets: range.fromTime === undefined ? marks.before : undefined,
      fromTime: range.fromTime,
      toOffsets: marks.after,
    },
    filter,
    replaySinks({ jsonl: out, arrow }),
    // A few records per fetch: every partition's range takes many fetches.
    { fetchBytes: 2048 },
  );
  const lines = readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReplayedRecord);
  return { stats, lines, table: tableFromIPC(readFileSync(arrow)) };
}

const idsOf = (events: ChatEvent[]) => events.map((e) => e.envelope.eventId).sort();

it('reads exactly the range by offsets, decoded, in log order per conversation', async () => {
  const { stats, lines, table } = await replayed({});
  const all = [...early.events, ...late.events];
  // Exactly the range: every record between the marks, which holds this file's events and
  // whatever the tests running beside it appended meanwhile.
  const inRange = [...marks.after].reduce(
    (sum, [partition, high]) =>
      sum + Number(BigInt(high) - BigInt(marks.before.get(partition) ?? '0')),
    0,
  );
  expect(stats).toMatchObject({ read: inRange, written: inRange, unreadable: 0 });
  const ours = new Set([...early.conversationIds, ...late.conversationIds]);
  const ownIds = (ids: string[], conversations: string[]) =>
    ids.filter((_, i) => ours.has(conversations[i]!)).sort();
  expect(lines.length).toBe(inRange);
  expect(
    ownIds(
      lines.map((l) => l.eventId),
      lines.map((l) => l.conversationId ?? ''),
    ),
  ).toEqual(idsOf(all));
  // Within a conversation, the order of the log is the order of the workload.
  const conversation = early.conversationIds[1]!;
  expect(lines.filter((l) => l.conversationId === conversation).map((l) => l.eventId)).toEqual(
    early.events
      .filter((e) => 'conversationId' in e && e.conversationId === conversation)
      .map((e) => e.envelope.eventId),
  );
  // The Arrow file holds the same records, with typed columns.
  expect(table.numRows).toBe(inRange);
  expect(
    ownIds(
      [...table.getChild('event_id')!].map(String),
      [...table.getChild('conversation_id')!].map((id) => String(id ?? '')),
    ),
  ).toEqual(idsOf(all));
  expect(table.schema.fields.map((f) => f.name)).toEqual(
    expect.arrayContaining(['offset', 'timestamp', 'type', 'conversation_id', 'payload']),
  );
});

it('filters by event type, conversation and user', async () => {
  const conversation = late.conversationIds[0]!;
  const { lines } = await replayed({ types: ['MessageSent'], conversationIds: [conversation] });
  expect(lines.map((l) => l.eventId).sort()).toEqual(
    idsOf(late.events.filter((e) => e.type === 'MessageSent' && e.conversationId === conversation)),
  );
  const byUser = await replayed({ userIds: ['eve'] });
  expect(byUser.lines.length).toBeGreaterThan(0);
  for (const line of byUser.lines) expect(JSON.stringify(line.event)).toContain('"eve"');
});

it('turns a start time into offsets', async () => {
  const { lines } = await replayed({}, { fromTime: marks.between });
  expect(lines.map((l) => l.eventId).sort()).toEqual(idsOf(late.events));
});

describe('the CLI on bad arguments', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(__dirname, 'bin', 'chat-admin.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 60000,
    });

  it('names the problem and exits non-zero', () => {
    const unknown = cli(['rebuild', 'gossip']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown projection; one of: inbox, timeline, presence/);
    const badTime = cli(['replay', '--from', 'yesterday-ish']);
    expect(badTime.status).not.toBe(0);
    expect(badTime.stderr).toMatch(/ISO 8601 time or epoch milliseconds/);
    const backwards = cli(['replay', '--from', '2026-02-01', '--to', '2026-01-01']);
    expect(backwards.status).not.toBe(0);
    expect(backwards.stderr).toMatch(/the range ends before it starts/);
    const help = cli(['replay', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--conversation <id>/);
  });

  it('says which service is unreachable', () => {
    const result = cli(['status'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/chat' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unreachable/);
  });
});
