import type { ConversationEvent } from '@chat/events';
import { REJECTIONS, type RejectionCode } from '../errors';
import { hasAdmin, isAdmin, type ConversationState, type MessageFacts } from './conversation-state';

export type Verdict =
  { accepted: true } | { accepted: false; reason: RejectionCode; detail: string };

/** Facts about messages an event refers to, looked up by whoever judges it. */
export interface EventFacts {
  /** The message an edit, delete or reaction targets; null when it does not exist. */
  target?: MessageFacts | null;
  /** For a send: an existing message with the same id, or the same sender and client id. */
  duplicate?: MessageFacts | null;
}

const ACCEPTED: Verdict = { accepted: true };
const reject = (reason: RejectionCode, detail: string = REJECTIONS[reason]): Verdict => ({
  accepted: false,
  reason,
  detail,
});

/**
 * The rules of a conversation, applied to an event at its position in the log. The command
 * API uses them to refuse a command; every projection uses them to ignore an event that slipped
 * through a race (a send just after the sender's removal), so all views agree on what happened.
 *
 * Deterministic on purpose: it depends only on the state the log builds, never on
 * configuration or the clock, so a rebuild judges every event the same way.
 */
export function judge(
  state: ConversationState | null,
  event: ConversationEvent,
  facts: EventFacts = {},
): Verdict {
  if (event.type === 'ConversationCreated') {
    if (state) return reject('conversation-exists');
    return membersProblem(event.kind, event.creatorId, event.members) ?? ACCEPTED;
  }
  if (!state) return reject('conversation-not-found');

  const memberOnly = (userId: string) =>
    state.members.has(userId) ? ACCEPTED : reject('not-a-member', `${userId} is not a member`);

  switch (event.type) {
    case 'MemberAdded':
      if (state.kind === 'DIRECT') return reject('membership-fixed');
      if (!isAdmin(state, event.addedBy)) return reject('not-an-admin');
      if (state.members.has(event.userId)) return reject('already-a-member');
      return ACCEPTED;

    case 'MemberRemoved':
      if (state.kind === 'DIRECT') return reject('membership-fixed');
      if (!state.members.has(event.userId)) return reject('member-not-found');
      if (event.reason === 'LEFT') {
        return event.removedBy === event.userId
          ? ACCEPTED
          : reject('invalid-members', 'only members themselves leave');
      }
      return isAdmin(state, event.removedBy) ? ACCEPTED : reject('not-an-admin');

    case 'MemberRoleChanged': {
      if (state.kind === 'DIRECT') return reject('membership-fixed');
      const member = state.members.get(event.userId);
      if (!member) return reject('member-not-found');
      // A group left without admins promotes a member (see decide: leave), so it never locks.
      const promotesOrphanedGroup = !hasAdmin(state) && event.role === 'ADMIN';
      if (!isAdmin(state, event.changedBy) && !promotesOrphanedGroup) return reject('not-an-admin');
      if (member.role === event.role) return reject('role-unchanged');
      return ACCEPTED;
    }

    case 'MessageSent':
      if (facts.duplicate) {
        return reject('duplicate-message', `duplicate of ${facts.duplicate.messageId}`);
      }
      return memberOnly(event.senderId);

    case 'MessageEdited':
      return (
        targetProblem(state, facts.target) ??
        (facts.target!.senderId === event.editorId
          ? memberOnly(event.editorId)
          : reject('not-the-author'))
      );

    case 'MessageDeleted':
      return (
        targetProblem(state, facts.target) ??
        (facts.target!.senderId === event.deletedBy || isAdmin(state, event.deletedBy)
          ? memberOnly(event.deletedBy)
          : reject('not-author-or-admin'))
      );

    case 'ReactionAdded':
    case 'ReactionRemoved':
      return targetProblem(state, facts.target) ?? memberOnly(event.userId);

    case 'MessagesDelivered':
    case 'MessagesRead':
      return memberOnly(event.userId);
  }
}

function targetProblem(
  state: ConversationState,
  target: MessageFacts | null | undefined,
): Verdict | undefined {
  if (!target || target.conversationId !== state.conversationId) {
    return reject('message-not-found');
  }
  if (target.deleted) return reject('message-deleted');
  return undefined;
}

/** A direct conversation is two distinct users; a group lists its creator; no repeats. */
export function membersProblem(
  kind: 'DIRECT' | 'GROUP',
  creatorId: string,
  members: readonly string[],
): Verdict | undefined {
  if (new Set(members).size !== members.length) {
    return reject('invalid-members', 'a user is listed twice');
  }
  if (!members.includes(creatorId)) {
    return reject('invalid-members', 'the creator must be a member');
  }
  if (kind === 'DIRECT' && members.length !== 2) {
    return reject('invalid-members', 'a direct conversation has exactly two members');
  }
  return undefined;
}
