/**
 * Why a command was refused or an event ignored. The same codes serve both sides: the command
 * API answers with them, and projections record them when the log holds an event that the
 * state at its position forbids.
 */
export const REJECTIONS = {
  'conversation-not-found': 'the conversation does not exist',
  'conversation-exists': 'a conversation with this id already exists',
  'not-a-member': 'only members may do this',
  'not-an-admin': 'only group admins may do this',
  'membership-fixed': 'a direct conversation has fixed membership',
  'not-the-author': 'only the author may do this',
  'not-author-or-admin': 'only the author or a group admin may do this',
  'already-a-member': 'the user is already a member',
  'member-not-found': 'the user is not a member',
  'role-unchanged': 'the member already has this role',
  'message-not-found': 'the message does not exist in this conversation',
  'message-deleted': 'the message was deleted',
  'duplicate-message': 'a message with this id or client message id already exists',
  'group-full': 'the group has reached its member limit',
  'invalid-members': 'the member list is not valid',
  'invalid-message': 'the message content is not valid',
  'message-too-long': 'the message body is longer than allowed',
  'device-required': 'a device id is needed to acknowledge delivery',
  'invalid-reaction': 'a reaction is one emoji',
} as const;

export type RejectionCode = keyof typeof REJECTIONS;

export class DomainError extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly detail: string = REJECTIONS[code],
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
  }
}
