import type { ConversationEvent } from '@chat/events';
import {
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  messagesRead,
  reaction,
} from '@chat/domain/testing';

/** A small deterministic generator, so a failing run can be repeated exactly. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Busy group conversations with everything the projections handle: sends, edits, reactions,
 * deletes, reads, members coming and going, and events the rules must ignore (sends by removed
 * members, duplicates, edits by others).
 */
export function scriptedWorkload(options: {
  run: string;
  conversations: number;
  eventsPerConversation: number;
  seed?: number;
}): { conversationIds: string[]; events: ConversationEvent[] } {
  const next = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const conversationIds: string[] = [];
  const perConversation: ConversationEvent[][] = [];
  for (let c = 0; c < options.conversations; c++) {
    const id = `load-${options.run}-${c}`;
    conversationIds.push(id);
    const people = ['ann', 'ben', 'cat', 'dan', 'eve'];
    const events: ConversationEvent[] = [groupCreated('ann', ['ben', 'cat'], id)];
    const sent: Array<{ id: string; by: string }> = [];
    for (let i = 0; events.length < options.eventsPerConversation; i++) {
      const who = pick(people);
      const roll = next();
      const message = sent.length > 0 ? pick(sent) : undefined;
      if (roll < 0.55 || !message) {
        const messageId = `${id}-m${i}`;
        events.push(messageSent(who, messageId, id));
        sent.push({ id: messageId, by: who });
      } else if (roll < 0.62) {
        events.push(messageEdited(message.id, pick([message.by, who]), `edit ${i}`, id));
      } else if (roll < 0.75) {
        events.push(reaction(next() < 0.7, message.id, who, pick(['👍', '🎉', '❤️']), id));
      } else if (roll < 0.8) {
        events.push(messageDeleted(message.id, pick([message.by, 'ann', who]), id));
      } else if (roll < 0.9) {
        events.push(messagesRead(who, Math.floor(next() * (i + 2)), id));
      } else if (roll < 0.95) {
        events.push(memberAdded(pick(people), 'ann', 'MEMBER', id));
      } else if (roll < 0.98) {
        events.push(memberRemoved(pick(['ben', 'cat', 'dan', 'eve']), 'ann', id));
      } else {
        events.push(messageSent(message.by, message.id, id)); // a duplicate
      }
    }
    perConversation.push(events);
  }
  // Interleaved, as real traffic is: the order within each conversation is kept.
  const events: ConversationEvent[] = [];
  const cursors = perConversation.map(() => 0);
  while (events.length < options.conversations * options.eventsPerConversation) {
    const c = Math.floor(next() * options.conversations);
    const list = perConversation[c]!;
    if (cursors[c]! < list.length) events.push(list[cursors[c]!++]!);
  }
  return { conversationIds, events };
}
