import type { ConversationEvent, ConversationKind, MemberRole } from '@chat/events';

/** What a member is in a conversation: the role, and the seq at which they joined. */
export interface Member {
  role: MemberRole;
  joinedSeq: number;
}

/**
 * The state every decision about a conversation needs, and the only state: who is in it with
 * which role, and the last seq handed out. Immutable; `evolve` returns a new value.
 */
export interface ConversationState {
  conversationId: string;
  kind: ConversationKind;
  title: string | null;
  /** Current members in the order they joined. */
  members: ReadonlyMap<string, Member>;
  /** The seq of the last timeline item; 0 before any. */
  lastSeq: number;
  /** The cs of the last change clients see (see `takesCs`); 0 before any. */
  lastCs: number;
}

/** What decisions need to know about one message: its author, seq and whether it is deleted. */
export interface MessageFacts {
  messageId: string;
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  seq: number;
  deleted: boolean;
}

/**
 * Events that become an item of the timeline, numbered by the gapless per-conversation seq:
 * messages, and membership changes shown as system messages. Edits, deletes and reactions
 * change an existing item; receipts only move a member's cursor.
 */
const TIMELINE_ITEMS: ReadonlySet<ConversationEvent['type']> = new Set([
  'ConversationCreated',
  'MemberAdded',
  'MemberRemoved',
  'MemberRoleChanged',
  'MessageSent',
]);

export function takesSeq(event: ConversationEvent): boolean {
  return TIMELINE_ITEMS.has(event.type);
}

/**
 * Whether an accepted event is a change with a cursor: the per-conversation change sequence
 * `cs` numbers everything a client must learn after being offline (items, edits, deletes,
 * reactions, membership, direct receipts). Receipts in a group are the exception: a thousand
 * members acknowledging would be a thousand changes for everyone; they stay own-device live
 * signals and their durable state is the inbox's read and delivered seqs.
 */
export function takesCs(kind: ConversationKind, event: ConversationEvent): boolean {
  if (event.type === 'MessagesDelivered' || event.type === 'MessagesRead') {
    return kind === 'DIRECT';
  }
  return true;
}

export function isMember(state: ConversationState, userId: string): boolean {
  return state.members.has(userId);
}

export function isAdmin(state: ConversationState, userId: string): boolean {
  return state.members.get(userId)?.role === 'ADMIN';
}

export function isAuthor(message: MessageFacts, userId: string): boolean {
  return message.senderId === userId;
}

export function hasAdmin(state: ConversationState): boolean {
  return [...state.members.values()].some((member) => member.role === 'ADMIN');
}

/**
 * Applies an accepted event (see `judge`) to the state. `null` is the state of a conversation
 * that was never created.
 */
export function evolve(
  state: ConversationState | null,
  event: ConversationEvent,
): ConversationState | null {
  const seq = (state?.lastSeq ?? 0) + (takesSeq(event) ? 1 : 0);
  if (event.type === 'ConversationCreated') {
    const cs = (state?.lastCs ?? 0) + 1;
    return {
      conversationId: event.conversationId,
      kind: event.kind,
      title: event.title,
      members: new Map(
        event.members.map((userId) => [
          userId,
          {
            role: event.kind === 'GROUP' && userId === event.creatorId ? 'ADMIN' : 'MEMBER',
            joinedSeq: seq,
          },
        ]),
      ),
      lastSeq: seq,
      lastCs: cs,
    };
  }
  if (!state) return state;
  const cs = state.lastCs + (takesCs(state.kind, event) ? 1 : 0);
  switch (event.type) {
    case 'MemberAdded':
      return withMembers(state, seq, cs, (members) =>
        members.set(event.userId, { role: event.role, joinedSeq: seq }),
      );
    case 'MemberRemoved':
      return withMembers(state, seq, cs, (members) => members.delete(event.userId));
    case 'MemberRoleChanged':
      return withMembers(state, seq, cs, (members) => {
        const member = members.get(event.userId);
        if (member) members.set(event.userId, { ...member, role: event.role });
      });
    case 'MessageSent':
      return { ...state, lastSeq: seq, lastCs: cs };
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReactionAdded':
    case 'ReactionRemoved':
    case 'MessagesDelivered':
    case 'MessagesRead':
      return cs === state.lastCs ? state : { ...state, lastCs: cs };
    default:
      return exhaustive(event);
  }
}

function withMembers(
  state: ConversationState,
  seq: number,
  cs: number,
  change: (members: Map<string, Member>) => unknown,
): ConversationState {
  const members = new Map(state.members);
  change(members);
  return { ...state, members, lastSeq: seq, lastCs: cs };
}

export function exhaustive(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
