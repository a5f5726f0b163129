import { groupCreated, memberAdded } from '@chat/domain/testing';
import { foldHistory } from '../testing/fold-history';
import { liveChanges } from '../live/live-changes';
import { inboxChanges } from './inbox-changes';

/**
 * Two adds decided at once on the same view, each within the group's limit of 3 but not
 * both: whichever the log holds second is ignored by every projection, as the rules say.
 */
const history = [
  groupCreated('alice', ['bob']),
  memberAdded('carol', 'alice', 'MEMBER', 'group-1', 3),
  memberAdded('dave', 'alice', 'MEMBER', 'group-1', 3),
];

describe('a group at its limit, in the projections', () => {
  it('keeps the add past the limit out of the inbox, and records why', () => {
    const changes = inboxChanges([], foldHistory(history));
    expect(changes.memberships.map((m) => m.userId).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(changes.ignored.map((i) => [i.event.type, i.reason])).toEqual([
      ['MemberAdded', 'group-full'],
    ]);
  });

  it('tells no client of the add past the limit', () => {
    const told = liveChanges(foldHistory(history)).flatMap((batch) =>
      batch.segments.flatMap((segment) => segment.changes),
    );
    expect(told.filter((change) => change.type === 'membership')).toHaveLength(2);
  });
});
