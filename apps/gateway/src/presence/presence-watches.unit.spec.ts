import { NO_PRESENCE } from '@chat/domain';
import { VisiblePairs, type ChatQueries, type ActivePresenceAudience } from '@chat/views';
import type { Session } from '../sessions/session';
import { PresenceWatches } from './presence-watches';

/** A session that records what it was shown. */
const session = (userId: string, isOpen = true) => {
  const shown: string[] = [];
  const revoked: string[][] = [];
  return {
    userId,
    isOpen,
    shown,
    revoked,
    presence: (state: { userId: string }) => shown.push(state.userId),
    presenceRevoked: (userIds: string[]) => revoked.push(userIds),
  };
};

function watchesWith(allowed: Array<[string, string]>) {
  const asked: Array<Array<readonly [string, string]>> = [];
  const rule = {
    visible: async (pairs: ReadonlyArray<readonly [string, string]>) => {
      asked.push([...pairs]);
      return new VisiblePairs(
        pairs.filter(([v, t]) => allowed.some(([av, at]) => av === v && at === t)),
      );
    },
  };
  const audience = { get: async () => rule } as unknown as ActivePresenceAudience;
  const queries = {
    presenceFactsOf: async (ids: string[]) => new Map(ids.map((id) => [id, NO_PRESENCE])),
    presenceSeenBy: (_viewer: string, userId: string) => ({
      userId,
      online: false,
      lastSeenAt: null,
    }),
  } as unknown as ChatQueries;
  const logger = { warn: () => undefined } as never;
  return { watches: new PresenceWatches(queries, audience, logger), asked, allowed };
}

describe('presence watches', () => {
  it('checks every watch again when presence is pushed, and drops those no longer allowed', async () => {
    const { watches, allowed } = watchesWith([
      ['carol', 'alice'],
      ['dave', 'alice'],
    ]);
    const carol = session('carol');
    const dave = session('dave');
    watches.watch(carol as unknown as Session, ['alice']);
    watches.watch(dave as unknown as Session, ['alice']);
    await watches.refresh(['alice']);
    expect([carol.shown, dave.shown]).toEqual([['alice'], ['alice']]);

    allowed.splice(0, 1); // carol no longer shares a conversation alice took part in
    await watches.refresh(['alice']);
    expect(carol.revoked).toEqual([['alice']]);
    expect(carol.shown).toEqual(['alice']);
    expect(dave.shown).toEqual(['alice', 'alice']);
    // The watch is gone: later refreshes neither ask nor show.
    await watches.refresh(['alice']);
    expect(carol.shown).toEqual(['alice']);
    expect(carol.revoked).toHaveLength(1);
  });

  it('on a membership change, re-checks the watches of the users it names, on either side', async () => {
    const { watches, asked } = watchesWith([
      ['carol', 'alice'],
      ['erin', 'frank'],
      ['alice', 'bob'],
    ]);
    watches.watch(session('carol') as unknown as Session, ['alice']);
    watches.watch(session('erin') as unknown as Session, ['frank']);
    watches.watch(session('alice') as unknown as Session, ['bob']);
    await watches.membershipChanged(['alice']);
    // alice as target (carol's watch) and as viewer (her watch of bob); erin's is not touched.
    expect(
      asked
        .flat()
        .map(([v, t]) => `${v}->${t}`)
        .sort(),
    ).toEqual(['alice->bob', 'carol->alice']);
  });

  it('keeps no watch of a session that closed before its subscribe was answered', async () => {
    const { watches, asked } = watchesWith([['carol', 'alice']]);
    // The close removed the session's watches first; the subscribe's answer comes after.
    const closed = session('carol', false);
    watches.removeSession(closed as unknown as Session);
    watches.watch(closed as unknown as Session, ['alice']);
    expect(watches.targets()).toEqual([]);
    await watches.refresh(watches.targets());
    expect(asked).toEqual([]);
    expect(closed.shown).toEqual([]);
  });
});
