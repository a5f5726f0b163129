import { z } from 'zod';
import { ID_PATTERN, MAX_MEDIA_BYTES, MAX_SEQ } from '@chat/domain';
import { text } from './fields';

/**
 * Request bodies and path parameters. Strict: an unknown field is an error, not ignored,
 * so a client typo never silently drops data. They validate every request and the OpenAPI
 * document is generated from them (http/openapi.ts), so the two cannot disagree.
 */
const id = z.string().regex(ID_PATTERN, 'letters, digits and ._:@- only, 1 to 128 characters');
const seq = z.number().int().min(0).max(MAX_SEQ);

const ciphertext = z
  .object({
    algorithm: text({ min: 1, max: 64 }),
    data: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .max(65536),
  })
  .strict()
  .describe('Opaque end-to-end encrypted payload; the server never reads it');

const media = z
  .object({
    objectKey: text({ min: 1, max: 512 }),
    // Spelled out rather than \w, which means more than ASCII in other regex dialects.
    contentType: z.string().regex(/^[A-Za-z0-9_.+-]+\/[A-Za-z0-9_.+-]+$/, 'a MIME type'),
    sizeBytes: z.number().int().min(0).max(MAX_MEDIA_BYTES),
  })
  .strict();

export const conversationParams = z.object({ conversationId: id }).strict();
export const memberParams = z.object({ conversationId: id, userId: id }).strict();
export const messageParams = z.object({ conversationId: id, messageId: id }).strict();
export const reactionParams = z
  .object({
    conversationId: id,
    messageId: id,
    emoji: text({ min: 1, max: 32, spaces: false }),
  })
  .strict();

export const createDirectBody = z.object({ peerId: id }).strict();

export const createGroupBody = z
  .object({
    title: text({ min: 1, max: 200 }),
    members: z.array(id).max(100000),
  })
  .strict();

export const addMemberBody = z
  .object({ userId: id, role: z.enum(['MEMBER', 'ADMIN']).default('MEMBER') })
  .strict();

export const changeRoleBody = z.object({ role: z.enum(['MEMBER', 'ADMIN']) }).strict();

export const sendMessageBody = z
  .object({
    clientMessageId: id.describe(
      'Chosen by the client; a retry with the same id sends nothing new',
    ),
    kind: z.enum(['TEXT', 'MEDIA']).default('TEXT'),
    body: text({ max: 1_000_000 }).nullable().default(null),
    replyTo: id.nullable().default(null),
    ciphertext: ciphertext.nullable().default(null),
    media: media
      .nullable()
      .default(null)
      .describe('What the upload must be; with mediaId only, its objectKey is ignored'),
    mediaId: z
      .string()
      .uuid()
      .nullable()
      .default(null)
      .describe('Your upload (POST /v1/media/uploads) this message carries'),
  })
  .strict();

export const editMessageBody = z
  .object({
    body: text({ max: 1_000_000 }).nullable().default(null),
    ciphertext: ciphertext.nullable().default(null),
  })
  .strict();

export const deliveredBody = z
  .object({
    upToSeq: seq,
    deviceId: id.optional().describe('Defaults to the device named in the token'),
  })
  .strict();

export const readBody = z.object({ upToSeq: seq }).strict();

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
