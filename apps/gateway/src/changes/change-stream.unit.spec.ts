import { CLOSE_CODES, type ChangeFrame, type ServerFrame, type SyncResult } from '@chat/protocol';
import { ViewError, type LiveChange } from '@chat/views';
import type { Logger } from '@chat/observability';
import { ChangeStream, type ChangeReads, type ChangeSink } from './change-stream';

/** A sink that records every frame it is given, encoded or not. */
function recordingSink() {
  const frames: Array<Record<string, unknown>> = [];
  const closes: Array<[number, string]> = [];
  const sink: ChangeSink & { isOpen: boolean } = {
    isOpen: true,
    send(frame: ServerFrame | Buffer) {
      frames.push(Buffer.isBuffer(frame) ? JSON.parse(frame.toString()) : frame);
    },
    close(code, reason) {
      closes.push([code, reason]);
      sink.isOpen = false;
    },
  };
  /** The changes sent, as `conversation:cs`. */
  const changes = () =>
    frames.filter((f) => f.cs !== undefined).map((f) => `${f.conversationId}:${f.cs}`);
  const synced = () => frames.filter((f) => f.type === 'synced');
  return { sink, frames, closes, changes, synced };
}

/**
 * The views as far as a change stream reads them: each conversation's changes from 1 to its
 * head, the user's conversations in pages, read positions for devices without a cursor.
 */
function timelineReads(options: {
  heads: Record<string, number>;
  readPositions?: Record<string, number | null>;
  conversationsPerPage?: number;
  /** Conversations the user was removed from: reading their changes is refused. */
  removed?: Set<string>;
}) {
  const asked: Array<{ conversationId: string; afterCs: number; limit: number }> = [];
  const ids = Object.keys(options.heads).sort();
  const perPage = options.conversationsPerPage ?? 200;
  let hold: Promise<void> = Promise.resolve();
  const reads: ChangeReads = {
    conversationsOf: async (_userId, { after } = {}) => {
      await hold;
      const from = after === undefined ? 0 : ids.indexOf(after) + 1;
      const page = ids.slice(from, from + perPage);
      const next = from + perPage < ids.length ? page[page.length - 1]! : null;
      return { conversationIds: page, next };
    },
    resumeStarts: async (_userId, conversationIds) =>
      new Map(conversationIds.map((id) => [id, options.readPositions?.[id] ?? null])),
    changesAfter: async (_userId, conversationId, afterCs, { limit = 200 } = {}) => {
      asked.push({ conversationId, afterCs, limit });
      if (options.removed?.has(conversationId)) {
        throw new ViewError('not-a-member', `not a member of ${conversationId}`);
      }
      const head = options.heads[conversationId]!;
      const throughCs = Math.min(head, afterCs + limit);
      const changes: ChangeFrame[] = [];
      for (let cs = afterCs + 1; cs <= throughCs; cs++)
        changes.push({ type: 'skip', conversationId, cs });
      return { changes, throughCs, more: throughCs < head } satisfies SyncResult;
    },
  };
  return {
    reads,
    asked,
    /** Holds the walk over the user's conversations until the returned function is called. */
    holdWalk() {
      let release: () => void = () => undefined;
      hold = new Promise((resolve) => (release = resolve));
      return () => release();
    },
  };
}

const logger = { warn: () => undefined, error: () => undefined } as unknown as Logger;
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const skip = (cs: number): LiveChange => ({ type: 'skip', cs }) as LiveChange;

function streamOn(reads: ChangeReads) {
  const recorded = recordingSink();
  const stream = new ChangeStream(recorded.sink, 'bob', reads, logger);
  return { stream, ...recorded };
}

describe('a change stream', () => {
  it('resumes after each cursor, then says synced', async () => {
    const { reads } = timelineReads({ heads: { 'g-1': 4, 'g-2': 2, 'g-3': 7 } });
    const { stream, changes, synced } = streamOn(reads);
    stream.resume({ 'g-1': 2, 'g-2': 2, 'g-3': 5 });
    await settle();
    // g-1: 4 - 2 = 2 missed; g-2: none; g-3: 7 - 5 = 2.
    expect(changes()).toEqual(['g-1:3', 'g-1:4', 'g-3:6', 'g-3:7']);
    expect(synced()).toEqual([{ type: 'synced', conversations: 2, changes: 4, more: [] }]);
  });

  it('resumes a conversation without a cursor after the read position, and skips one left', async () => {
    const { reads, asked } = timelineReads({
      heads: { 'g-1': 3, 'g-2': 5, 'g-3': 9 },
      // g-3: no longer a member, so no start.
      readPositions: { 'g-1': 1, 'g-2': 5, 'g-3': null },
    });
    const { stream, changes, synced } = streamOn(reads);
    stream.resume({});
    await settle();
    expect(changes()).toEqual(['g-1:2', 'g-1:3']);
    expect(asked.map((a) => a.conversationId)).not.toContain('g-3');
    expect(synced()).toEqual([{ type: 'synced', conversations: 1, changes: 2, more: [] }]);
  });

  it('walks every page of the user conversations', async () => {
    const heads = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`g-${i}`, 1]));
    const { reads } = timelineReads({ heads, conversationsPerPage: 2 });
    const { stream, changes } = streamOn(reads);
    stream.resume(Object.fromEntries(Object.keys(heads).map((id) => [id, 0])));
    await settle();
    expect(changes()).toEqual(['g-0:1', 'g-1:1', 'g-2:1', 'g-3:1', 'g-4:1']);
  });

  it('sends live changes that came during resume after synced, with no gap and no duplicate', async () => {
    const { reads, holdWalk } = timelineReads({ heads: { 'g-1': 5 } });
    const { stream, frames, changes } = streamOn(reads);
    const release = holdWalk();
    stream.resume({ 'g-1': 2 });
    // Published while the resume reads: 4 and 5 are in the timeline too, 6 is not yet.
    for (const cs of [4, 5, 6]) stream.deliver('g-1', skip(cs));
    release();
    await settle();
    expect(changes()).toEqual(['g-1:3', 'g-1:4', 'g-1:5', 'g-1:6']);
    expect(frames.findIndex((f) => f.type === 'synced')).toBe(3);
  });

  it('sends each cs once, in order, whatever the live feed repeats', async () => {
    const { reads } = timelineReads({ heads: { 'g-1': 1 } });
    const { stream, changes } = streamOn(reads);
    stream.resume({ 'g-1': 1 });
    for (const cs of [2, 2, 3, 1, 3]) stream.deliver('g-1', skip(cs));
    await settle();
    expect(changes()).toEqual(['g-1:2', 'g-1:3']);
  });

  it('fills a gap in the live cs from the timeline before the change that shows it', async () => {
    const heads = { 'g-1': 1 };
    const { reads, asked } = timelineReads({ heads });
    const { stream, changes } = streamOn(reads);
    stream.resume({ 'g-1': 1 });
    await settle();
    heads['g-1'] = 5;
    stream.deliver('g-1', skip(2));
    // 3 and 4 were never published to this gateway.
    stream.deliver('g-1', skip(5));
    await settle();
    expect(changes()).toEqual(['g-1:2', 'g-1:3', 'g-1:4', 'g-1:5']);
    expect(asked.at(-1)).toMatchObject({ conversationId: 'g-1', afterCs: 2 });
  });

  it('names in synced the conversations with more missed changes than a resume sends', async () => {
    // g-1 has 1,500 changes after the cursor, g-2 has 1,000 exactly, g-3 has 2.
    const { reads } = timelineReads({ heads: { 'g-1': 1500, 'g-2': 1000, 'g-3': 2 } });
    const { stream, synced, changes } = streamOn(reads);
    stream.resume({ 'g-1': 0, 'g-2': 0, 'g-3': 0 });
    await settle();
    // 1,000 + 1,000 + 2: the limit is per conversation.
    expect(synced()).toEqual([{ type: 'synced', conversations: 3, changes: 2002, more: ['g-1'] }]);
    expect(
      changes()
        .filter((c) => c.startsWith('g-1:'))
        .at(-1),
    ).toBe('g-1:1000');
  });

  it('passes over a conversation the user was removed from during resume', async () => {
    const { reads } = timelineReads({
      heads: { 'g-1': 2, 'g-2': 3, 'g-3': 2 },
      removed: new Set(['g-2']),
    });
    const { stream, changes, synced } = streamOn(reads);
    stream.resume({ 'g-1': 0, 'g-2': 1, 'g-3': 0 });
    await settle();
    expect(changes()).toEqual(['g-1:1', 'g-1:2', 'g-3:1', 'g-3:2']);
    expect(synced()).toEqual([{ type: 'synced', conversations: 2, changes: 4, more: [] }]);
  });

  it('passes group receipts, which have no cs, straight through', async () => {
    const { reads } = timelineReads({ heads: { 'g-1': 0 } });
    const { stream, frames } = streamOn(reads);
    stream.resume({ 'g-1': 9 });
    const receipt = { type: 'receipt', userId: 'bob', receipt: 'read', upToSeq: 3, deviceId: null };
    stream.deliver('g-1', receipt as LiveChange);
    stream.deliver('g-1', receipt as LiveChange);
    await settle();
    expect(frames.filter((f) => f.type === 'receipt')).toHaveLength(2);
  });

  it('closes a consumer with more than 10,000 deliveries waiting as too slow', async () => {
    const { reads, holdWalk } = timelineReads({ heads: { 'g-1': 0 } });
    const { stream, closes, sink, changes } = streamOn(reads);
    const release = holdWalk();
    stream.resume({ 'g-1': 0 });
    for (let cs = 1; cs <= 10_000; cs++) stream.deliver('g-1', skip(cs));
    expect(closes).toEqual([]);
    stream.deliver('g-1', skip(10_001));
    expect(closes).toEqual([[CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume']]);
    release();
    await settle();
    // Closed: what was queued goes nowhere.
    expect(sink.isOpen).toBe(false);
    expect(changes()).toEqual([]);
  });

  it('sends nothing before the session is open', async () => {
    const { reads } = timelineReads({ heads: { 'g-1': 0 } });
    const { stream, sink, frames } = streamOn(reads);
    sink.isOpen = false;
    stream.deliver('g-1', skip(1));
    await settle();
    expect(frames).toEqual([]);
  });
});
