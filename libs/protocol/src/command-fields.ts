import { z } from 'zod';
// The bounds alone, not the domain's index: the protocol is loaded by browsers too.
import { MAX_MEDIA_BYTES, MAX_SEQ } from '@chat/domain/limits';
import { documentedRule, text } from './fields';

/**
 * The fields of commands, as every transport takes them: the HTTP request bodies are made of
 * them, and so are the socket's command frames, so a command is parsed once, whatever carries
 * it, by the same rules.
 */

/** Ids that travel in URLs, keys and events (the domain's ID_PATTERN). */
export const id = z
  .string()
  .regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'letters, digits and ._:@- only, 1 to 128 characters');
export const seq = z.number().int().min(0).max(MAX_SEQ);

/**
 * Bounds that keep a request within the body limit (CHAT_MAX_BODY_BYTES, 64 KiB by default)
 * whether it is valid or one past a bound, so a size the document allows is never a 413 and
 * one it forbids is a 400 naming the field. They are the defaults of the configured limits
 * (CHAT_MAX_MESSAGE_LENGTH); a deployment that lowers one refuses past it by its rule
 * (`message-too-long`).
 */
export const MAX_BODY_CHARACTERS = 4096;
const MAX_CIPHERTEXT_BASE64 = 32768;

export const ciphertext = z
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

/** A message's fields; the rules across them are `checkSendMessage`. */
export const sendMessageFields = {
  clientMessageId: id.describe('Chosen by the client; a retry with the same id sends nothing new'),
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
};

type SendMessageFields = z.infer<z.ZodObject<typeof sendMessageFields>>;

/**
 * The rules across a message's fields, each naming the code its decision would refuse with:
 * media only by an upload, and an upload or a text message with a body or a ciphertext.
 */
export function checkSendMessage(send: SendMessageFields, ctx: z.RefinementCtx): void {
  if (send.media !== null && send.mediaId === null) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'media is referenced by mediaId, from an upload',
      path: ['media'],
      params: { code: 'media-needs-upload' },
    });
  }
  const text = send.kind === 'TEXT' && (send.body !== null || send.ciphertext !== null);
  if (send.mediaId === null && !text) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'an upload (mediaId), or a text message with a body or a ciphertext',
      params: { code: 'invalid-message' },
    });
  }
}

/** Present and not null: a string, or an object. */
const given = (field: string, type: 'string' | 'object') => ({
  required: [field],
  properties: { [field]: { type } },
});
/** `media` is never given without `mediaId`: the server never trusts a client's object key. */
const withoutMedia = { properties: { media: { enum: [null] } } };
const textKind = { properties: { kind: { type: 'string', enum: ['TEXT'] } } };

export const sendMessageBody = documentedRule(
  z.object(sendMessageFields).strict().superRefine(checkSendMessage),
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

export const deliveredFields = {
  upToSeq: seq,
  deviceId: id.optional().describe('Defaults to the device named in the token'),
};
export const deliveredBody = z.object(deliveredFields).strict();

export const readFields = { upToSeq: seq };
export const readBody = z.object(readFields).strict();
