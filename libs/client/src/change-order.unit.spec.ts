import fc from 'fast-check';
import { ChangeOrder, type ChangeOrderDeps } from './change-order';
import { membershipChange, messageChange } from './testing/fake-gateway';
import { until } from './testing/wait';
import type { ChangeFrame, SyncResult } from './wire';

/** A conversation's log of n changes, and an order over it fed by a page-limited sync. */
function harness(n: number, pageSize: number, cursors: Record<string, number> = {}) {
  const log = Array.from({ length: n }, (_, i) => messageChange('g', i + 1, i + 1));
  const applied: number[] = [];
  const syncs: number[] = [];
  const deps: ChangeOrderDeps = {
    async sync(_conversationId, afterCs): Promise<SyncResult> {
      syncs.push(afterCs);
      await new Promise((resolve) => setImmediate(resolve)); // answered later, as over a socket
      const changes = log.filter((c) => c.cs! > afterCs).slice(0, pageSize);
      return {
        changes,
        throughCs: changes.at(-1)?.cs ?? afterCs,
        more: changes.at(-1) !== undefined && changes.at(-1)!.cs! < n,
      };
    },
    apply: (change) => {
      applied.push(change.cs!);
      return 'continue';
    },
    repaired: () => undefined,
    failed: () => undefined,
    retryDelayMs: () => 0,
    wait: () => new Promise((resolve) => setImmediate(resolve)),
  };
  return { log, applied, syncs, order: new ChangeOrder(cursors, deps) };
}

it('emits each change exactly once in cs order, whatever arrives lost, late, twice or out of order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 7 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 80 }),
      async (n, pageSize, arrivals) => {
        const { log, applied, order } = harness(n, pageSize, { g: 0 });
        const offered = arrivals.map((cs) => Math.min(cs, n));
        for (const cs of offered) {
          order.offer(log[cs - 1]!);
          if (cs % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        const highest = Math.max(...offered);
        await until(() => applied.length >= highest, `changes 1 to ${highest}`);
        // A sync page may bring changes past the highest offered: real ones, in order too.
        expect(applied).toEqual(Array.from({ length: applied.length }, (_, i) => i + 1));
        expect(order.cursors()).toEqual({ g: applied.length });
      },
    ),
    { numRuns: 150 },
  );
});

it('starts an untracked conversation at its first change, without a sync', () => {
  const { log, applied, syncs, order } = harness(10, 10);
  order.offer(log[6]!);
  order.offer(log[7]!);
  expect(applied).toEqual([7, 8]);
  expect(syncs).toEqual([]);
});

it('forgets a conversation at the current user removal, with what waited behind it', async () => {
  const applied: ChangeFrame[] = [];
  const order = new ChangeOrder(
    { g: 1 },
    {
      sync: async () => ({
        changes: [membershipChange('g', 2, 2, 'MemberRemoved', 'alice')],
        throughCs: 2,
        more: false,
      }),
      apply: (change) => {
        applied.push(change);
        return change.type === 'membership' ? 'untrack' : 'continue';
      },
      repaired: () => undefined,
      failed: () => undefined,
      retryDelayMs: () => 0,
      wait: async () => undefined,
    },
  );
  order.offer(messageChange('g', 3, 3)); // past the gap: waits for the repair
  await until(() => applied.length === 1, 'the removal');
  await new Promise((resolve) => setImmediate(resolve));
  expect(applied.map((c) => c.type)).toEqual(['membership']);
  expect(order.cursors()).toEqual({});
});
