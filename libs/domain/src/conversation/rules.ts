import type { ConversationEvent } from '@chat/events';
import { REJECTIONS, type RejectionCode } from '../errors';
import { MAX_REACTION_CODE_POINTS, withinReactionBound } from './reactions';
import {
  hasAdmin,
  isAdmin,
  isAuthor,
  isMember,
  type ConversationState,
  type MessageFacts,
} from './conversation-state';

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

  // Membership is judged first: an outsider learns nothing about the conversation's messages.
  const outsider = (userId: string) =>
    isMember(state, userId) ? undefined : reject('not-a-member', `${userId} is not a member`);
  const memberOnly = (userId: string) => outsider(userId) ?? ACCEPTED;

  switch (event.type) {
    case 'MemberAdded':
      if (state.kind === 'DIRECT') return reject('membership-fixed');
      if (!isAdmin(state, event.addedBy)) return reject('not-an-admin');
      if (isMember(state, event.userId)) return reject('already-a-member');
      // The limit travels in the event, so concurrent adds decided on the same view cannot
      // pass it together and a rebuild judges with the limit of the day, not today's setting.
      if (event.memberLimit !== null && state.members.size >= event.memberLimit) {
        return reject('group-full', `a group has at most ${event.memberLimit} members`);
      }
      return ACCEPTED;

    case 'MemberRemoved':
      if (state.kind === 'DIRECT') return reject('membership-fixed');
      // Authority before existence: a non-admin learns nothing about who is a member.
      if (event.reason === 'LEFT' && event.removedBy !== event.userId) {
        return reject('invalid-members', 'only members themselves leave');
      }
      if (event.reason !== 'LEFT' && !isAdmin(state, event.removedBy)) {
        return reject('not-an-admin');
      }
      return isMember(state, event.userId) ? ACCEPTED : reject('member-not-found');

    case 'MemberRoleChanged': {
      if (state.kind === 'DIRECT') return reject('membership-fixed');
      // A group left without admins promotes a member (see decide: leave), so it never locks.
      const promotesOrphanedGroup = !hasAdmin(state) && event.role === 'ADMIN';
      if (!isAdmin(state, event.changedBy) && !promotesOrphanedGroup) return reject('not-an-admin');
      const member = state.members.get(event.userId);
      if (!member) return reject('member-not-found');
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
        outsider(event.editorId) ??
        targetProblem(state, facts.target) ??
        (isAuthor(facts.target!, event.editorId) ? ACCEPTED : reject('not-the-author'))
      );

    case 'MessageDeleted':
      return (
        outsider(event.deletedBy) ??
        targetProblem(state, facts.target) ??
        (isAuthor(facts.target!, event.deletedBy) || isAdmin(state, event.deletedBy)
          ? ACCEPTED
          : reject('not-author-or-admin'))
      );

    case 'ReactionAdded':
    case 'ReactionRemoved':
      // No reaction state is needed to bound an item's reactions: each member has one slot
      // per item, which an add fills (replacing what was there) and a removal of that same
      // reaction clears; every fold applies that alike (see withReaction). Only the
      // string's length is judged here, a bound every reaction ever accepted meets.
      return (
        outsider(event.userId) ??
        (withinReactionBound(event.emoji)
          ? undefined
          : reject(
              'invalid-reaction',
              `a reaction is 1 to ${MAX_REACTION_CODE_POINTS} characters`,
            )) ??
        targetProblem(state, facts.target) ??
        ACCEPTED
      );

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
