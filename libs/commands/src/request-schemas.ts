import { z } from 'zod';
import { MAX_REACTION_CODE_POINTS } from '@chat/domain';
import { distinct, id, text } from '@chat/protocol';
import { reaction } from './reaction-field';

/**
 * Request bodies and path parameters. Strict: an unknown field is an error, not ignored,
 * so a client typo never silently drops data. They validate every request and the OpenAPI
 * document is generated from them (http/openapi.ts), so the two cannot disagree. The fields of
 * the commands the socket carries too (sends, receipts) are the protocol's (@chat/protocol).
 */
export { deliveredBody, editMessageBody, readBody, sendMessageBody } from '@chat/protocol';

/** Besides the creator, within CHAT_MAX_GROUP_MEMBERS's default (a lower one: `group-full`). */
const MAX_LISTED_MEMBERS = 999;

export const conversationParams = z.object({ conversationId: id }).strict();
export const memberParams = z.object({ conversationId: id, userId: id }).strict();
export const messageParams = z.object({ conversationId: id, messageId: id }).strict();
export const reactionParams = z
  .object({
    conversationId: id,
    messageId: id,
    emoji: reaction(),
  })
  .strict();
/**
 * Taking a reaction back names the one the member has, which may predate the one-emoji rule:
 * any reaction the API ever accepted.
 */
export const unreactionParams = z
  .object({
    conversationId: id,
    messageId: id,
    emoji: text({ min: 1, max: MAX_REACTION_CODE_POINTS, spaces: false }),
  })
  .strict();

export const createDirectBody = z.object({ peerId: id }).strict();

export const createGroupBody = z
  .object({
    title: text({ min: 1, max: 200 }),
    members: distinct(z.array(id).max(MAX_LISTED_MEMBERS)),
  })
  .strict();

export const addMemberBody = z
  .object({ userId: id, role: z.enum(['MEMBER', 'ADMIN']).default('MEMBER') })
  .strict();

export const changeRoleBody = z.object({ role: z.enum(['MEMBER', 'ADMIN']) }).strict();

export const devTokenBody = z
  .object({
    userId: id,
    deviceId: id.optional(),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 3600)
      .optional(),
  })
  .strict();

export const acceptedResponse = z
  .object({
    conversationId: z.string(),
    messageId: z.string().optional(),
    eventIds: z.array(z.string()),
  })
  .strict();
