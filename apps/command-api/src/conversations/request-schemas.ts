import { z } from 'zod';
import { ID_PATTERN } from '@chat/domain';

/**
 * Request bodies and path parameters. Strict: an unknown field is an error, not ignored,
 * so a client typo never silently drops data. The OpenAPI document is generated from these.
 */
const id = z.string().regex(ID_PATTERN, 'letters, digits and ._:@- only, 1 to 128 characters');
/** Well-formed Unicode: JSON escapes can smuggle lone surrogates that are not text. */
const text = (max: number) => z.string().max(max).refine(isWellFormed, 'contains a lone surrogate');
// String.prototype.isWellFormed exists in Node 20; the ES2022 typings do not know it.
const isWellFormed = (value: string) =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const ciphertext = z
  .object({
    algorithm: text(64).pipe(z.string().min(1)),
    data: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .max(65536),
  })
  .strict()
  .describe('Opaque end-to-end encrypted payload; the server never reads it');

const media = z
  .object({
    objectKey: text(512).pipe(z.string().min(1)),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type'),
    sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export const conversationParams = z.object({ conversationId: id }).strict();
export const memberParams = z.object({ conversationId: id, userId: id }).strict();
export const messageParams = z.object({ conversationId: id, messageId: id }).strict();
export const reactionParams = z
  .object({
    conversationId: id,
    messageId: id,
    emoji: text(32).pipe(z.string().min(1).regex(/^\S+$/u, 'no spaces')),
  })
  .strict();

export const createDirectBody = z.object({ peerId: id }).strict();

export const createGroupBody = z
  .object({
    title: text(200).pipe(z.string().min(1)),
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
    body: text(1_000_000).nullable().default(null),
    replyTo: id.nullable().default(null),
    ciphertext: ciphertext.nullable().default(null),
    media: media.nullable().default(null),
  })
  .strict();

export const editMessageBody = z
  .object({
    body: text(1_000_000).nullable().default(null),
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

export const acceptedResponse = z.object({
  conversationId: z.string(),
  messageId: z.string().optional(),
  eventIds: z.array(z.string()),
});
