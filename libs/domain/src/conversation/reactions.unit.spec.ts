import fc from 'fast-check';
import type { ConversationEvent } from '@chat/events';
import { given } from '../testing/decider-spec';
import {
  CONVERSATION,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageSent,
  reaction,
} from '../testing/history';
import { ConversationLedger } from './ledger';
import { reactionProblem, reactionsByEmoji, withReaction } from './reactions';

const conversationId = CONVERSATION;

/**
 * What an item's reactions are after a history, folded as every projection folds them: the
 * ledger judges each event, and each accepted reaction changes its item's reactions.
 */
function reactionsAfter(events: ConversationEvent[]): Map<string, ReadonlyMap<string, string>> {
  const ledger = new ConversationLedger({ conversations: [], messages: [] });
  const items = new Map<string, ReadonlyMap<string, string>>();
  for (const event of events) {
    const outcome = ledger.apply(event);
    if (!outcome.verdict.accepted) continue;
    if (event.type === 'ReactionAdded' || event.type === 'ReactionRemoved') {
      const present = event.type === 'ReactionAdded';
      items.set(
        event.messageId,
        withReaction(items.get(event.messageId) ?? new Map(), { ...event, present }),
      );
    }
    if (event.type === 'MessageDeleted') items.delete(event.messageId);
  }
  return items;
}

const reactionsOn = (events: ConversationEvent[], messageId: string) =>
  reactionsByEmoji(reactionsAfter(events).get(messageId) ?? new Map());

describe('reactions', () => {
  const history = [groupCreated('alice', ['bob', 'carol']), messageSent('bob', 'm1')];

  it("a member's second reaction replaces their first", () => {
    expect(
      reactionsOn(
        [...history, reaction(true, 'm1', 'alice', '👍'), reaction(true, 'm1', 'alice', '❤️')],
        'm1',
      ),
    ).toEqual({ '❤️': ['alice'] });
  });

  it('keeps one reaction per member however many distinct emoji they add (100 here)', () => {
    const emoji = Array.from({ length: 100 }, (_, i) => String.fromCodePoint(0x1f600 + i));
    const adds = emoji.map((e) => reaction(true, 'm1', 'alice', e));
    expect(reactionsOn([...history, ...adds], 'm1')).toEqual({ [emoji[99]!]: ['alice'] });
  });

  it("taking a reaction back clears the member's reaction and no one else's", () => {
    const events = [
      ...history,
      reaction(true, 'm1', 'alice', '👍'),
      reaction(true, 'm1', 'bob', '👍'),
      reaction(false, 'm1', 'alice', '👍'),
    ];
    expect(reactionsOn(events, 'm1')).toEqual({ '👍': ['bob'] });
  });

  it('taking back a reaction the member has since replaced leaves the newer one', () => {
    const events = [
      ...history,
      reaction(true, 'm1', 'alice', '👍'),
      reaction(true, 'm1', 'alice', '🎉'),
      reaction(false, 'm1', 'alice', '👍'),
    ];
    expect(reactionsOn(events, 'm1')).toEqual({ '🎉': ['alice'] });
  });

  it('changes nothing when the same reactions are applied again, as a replay applies them', () => {
    const reactions = [reaction(true, 'm1', 'alice', '👍'), reaction(true, 'm1', 'bob', '🎉')];
    const once = reactionsAfter([...history, ...reactions]).get('m1')!;
    const twice = reactions.reduce(
      (set, event) =>
        withReaction(set, { ...(event as { userId: string; emoji: string }), present: true }),
      once,
    );
    expect(reactionsByEmoji(twice)).toEqual(reactionsByEmoji(once));
  });

  it("ignores a logged reaction longer than the bound, in every projection's ledger", () => {
    const ledger = new ConversationLedger({ conversations: [], messages: [] });
    for (const event of history) ledger.apply(event);
    const outcome = ledger.apply(reaction(true, 'm1', 'alice', 'x'.repeat(33)));
    expect(outcome.verdict).toMatchObject({ accepted: false, reason: 'invalid-reaction' });
    expect(ledger.apply(reaction(true, 'm1', 'alice', 'x'.repeat(32))).verdict.accepted).toBe(true);
  });

  it('refuses a reaction command that is not one emoji', () => {
    for (const emoji of ['+1', 'ok', '👍👍', 'a', '😀'.repeat(33)]) {
      given(...history)
        .when('alice', { type: 'AddReaction', conversationId, messageId: 'm1', emoji })
        .thenFails('invalid-reaction');
    }
    for (const emoji of ['👍🏽', '🇫🇷', '1️⃣', '❤️', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑🏽‍💻']) {
      expect([emoji, reactionProblem(emoji)]).toEqual([emoji, undefined]);
    }
  });

  it('lets a member take back a reaction from before the one-emoji rule', () => {
    given(...history, reaction(true, 'm1', 'alice', '+1'))
      .when('alice', { type: 'RemoveReaction', conversationId, messageId: 'm1', emoji: '+1' })
      .then([
        { type: 'ReactionRemoved', conversationId, messageId: 'm1', userId: 'alice', emoji: '+1' },
      ]);
  });

  it("an item's reactions never exceed its members, whatever the history", () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const user = fc.constantFrom(...users);
    const messageId = fc.constantFrom('m1', 'm2');
    const emoji = fc.integer({ min: 0, max: 199 }).map((i) => String.fromCodePoint(0x1f300 + i));
    const anyEvent: fc.Arbitrary<ConversationEvent> = fc.oneof(
      fc.tuple(user, user).map(([u, by]) => memberAdded(u, by)),
      fc.tuple(user, user).map(([u, by]) => memberRemoved(u, by)),
      fc.tuple(user, messageId).map(([u, m]) => messageSent(u, m)),
      fc.tuple(messageId, user).map(([m, u]) => messageDeleted(m, u)),
      fc
        .tuple(fc.boolean(), messageId, user, emoji)
        .map(([added, m, u, e]) => reaction(added, m, u, e)),
      fc
        .tuple(fc.boolean(), messageId, user, emoji)
        .map(([added, m, u, e]) => reaction(added, m, u, e)),
    );
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 80 }), (events) => {
        const all = [groupCreated('alice', ['bob']), ...events];
        const everMembers = new Set(['alice', 'bob']);
        for (const e of all) if (e.type === 'MemberAdded') everMembers.add(e.userId);
        for (const reactions of reactionsAfter(all).values()) {
          const reactors = Object.values(reactionsByEmoji(reactions)).flat();
          expect(new Set(reactors).size).toBe(reactors.length);
          expect(reactors.length).toBeLessThanOrEqual(everMembers.size);
          expect(reactors.every((u) => everMembers.has(u))).toBe(true);
        }
        // A replay of the same log folds to the same reactions.
        expect(reactionsAfter(all)).toEqual(reactionsAfter(all));
      }),
    );
  });
});
