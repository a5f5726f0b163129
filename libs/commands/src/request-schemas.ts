import { z } from 'zod';
import { ID_PATTERN, MAX_MEDIA_BYTES, MAX_REACTION_CODE_POINTS, MAX_SEQ } from '@chat/domain';
import { distinct, documentedRule, reaction, text } from './fields';

/**
 * Request bodies and path parameters. Strict: an unknown field is an error, not ignored,
 * so a client typo never silently drops data. They validate every request and the OpenAPI
 * document is generated from them (http/openapi.ts), so the two cannot disagree.
 */
const id = z.string().regex(ID_PATTERN, 'letters, digits and ._:@- only, 1 to 128 characters');

/**
 * Bounds that keep a request within the body limit (CHAT_MAX_BODY_BYTES, 64 KiB by default)
 * whether it is valid or one past a bound, so a size the document allows is never a 413 and
 * one it forbids is a 400 naming the field. They are the defaults of the configured limits
 * (CHAT_MAX_MESSAGE_LENGTH, CHAT_MAX_GROUP_MEMBERS); a deployment that lowers one refuses
 * past it by its rule (`message-too-long`, `group-full`).
 */
const MAX_BODY_CHARACTERS = 4096;
const MAX_CIPHERTEXT_BASE64 = 32768;
/** Besides the creator, within CHAT_MAX_GROUP_MEMBERS's default (a lower one: `group-full`). */
const MAX_LISTED_MEMBERS = 999;
const seq = z.number().int().min(0).max(MAX_SEQ);

const ciphertext = z
  .object({
    algorithm: text({ min: 1, max: 64 }),
    data: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .max(MAX_CIPHERTEXT_BASE64),
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

/** Present and not null: a string, or an object. */
const given = (field: string, type: 'string' | 'object') => ({
  required: [field],
  properties: { [field]: { type } },
});
/** `media` is never given without `mediaId`: the server never trusts a client's object key. */
const withoutMedia = { properties: { media: { enum: [null] } } };
const textKind = { properties: { kind: { type: 'string', enum: ['TEXT'] } } };

export const sendMessageBody = documentedRule(
  z
    .object({
      clientMessageId: id.describe(
        'Chosen by the client; a retry with the same id sends nothing new',
      ),
      kind: z.enum(['TEXT', 'MEDIA']).default('TEXT'),
      body: text({ max: MAX_BODY_CHARACTERS }).nullable().default(null),
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
    .strict()
    .refine((send) => send.media === null || send.mediaId !== null, {
      message: 'media is referenced by mediaId, from an upload',
      path: ['media'],
      params: { code: 'media-needs-upload' },
    })
    .refine(
      (send) =>
        send.mediaId !== null ||
        (send.kind === 'TEXT' && (send.body !== null || send.ciphertext !== null)),
      {
        message: 'an upload (mediaId), or a text message with a body or a ciphertext',
        params: { code: 'invalid-message' },
      },
    ),
  {
    // An upload, or a text message with a body or a ciphertext (see decide: contentProblem).
    anyOf: [
      given('mediaId', 'string'),
      { allOf: [given('body', 'string'), textKind, withoutMedia] },
      { allOf: [given('ciphertext', 'object'), textKind, withoutMedia] },
    ],
  },
);

export const editMessageBody = documentedRule(
  z
    .object({
      body: text({ max: MAX_BODY_CHARACTERS }).nullable().default(null),
      ciphertext: ciphertext.nullable().default(null),
    })
    .strict()
    .refine((edit) => edit.body !== null || edit.ciphertext !== null, {
      message: 'a body or a ciphertext',
      params: { code: 'invalid-message' },
    }),
  // The edited message is text: a body or a ciphertext.
  { anyOf: [given('body', 'string'), given('ciphertext', 'object')] },
);

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
