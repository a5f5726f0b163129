import { z } from 'zod';
import { ID_PATTERN, MAX_SEQ } from '@chat/domain';
import {
  INBOX_CURSOR_PATTERN,
  MAX_PAGE,
  MAX_QUERY_LENGTH,
  MAX_SEARCH_PAGE,
  parseInboxCursor,
  parseSearchCursor,
  SEARCH_CURSOR_PATTERN,
} from '@chat/views';

/**
 * Query parameters and responses of the reads, the one source of their validation and of the
 * OpenAPI document. Query values arrive as text: integers are digits, then bounded.
 */
const id = z.string().regex(ID_PATTERN, 'letters, digits and ._:@- only, 1 to 128 characters');
/**
 * An integer query value. Only digits count: `Number` alone reads an empty value as 0 and
 * `0x10` as 16, values the document (type integer) does not admit.
 */
const integer = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && !/^-?\d+$/.test(value) ? Number.NaN : value),
    z.coerce.number().int().min(min).max(max),
  );
const count = (max: number) => integer(1, max);
/**
 * A page cursor: its pattern admits exactly the cursors the reads decode, so one that is not
 * is a 400 naming it, and the document says precisely what a cursor is.
 */
const cursor = (pattern: RegExp, parse: (value: string) => unknown) =>
  z
    .string()
    .max(512)
    .regex(pattern, 'the `next` of a previous page')
    .refine((value) => parse(value) !== undefined, 'not a cursor this server gave out')
    .describe('The `next` of the previous page');

/** The longest wait a long poll may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 30;

export const inboxQuery = z
  .object({
    limit: count(MAX_PAGE).optional(),
    after: cursor(INBOX_CURSOR_PATTERN, parseInboxCursor).optional(),
  })
  .strict();
export const historyQuery = z
  .object({
    beforeSeq: integer(1, MAX_SEQ + 1).optional(),
    limit: count(MAX_PAGE).optional(),
  })
  .strict();
export const syncQuery = z
  .object({
    afterCs: integer(0, Number.MAX_SAFE_INTEGER),
    limit: count(MAX_PAGE).optional(),
    wait: integer(0, MAX_WAIT_SECONDS)
      .optional()
      .describe('Seconds to hold the request open until a change after afterCs exists'),
  })
  .strict();
export const searchQuery = z
  .object({
    q: z.string().trim().min(1).max(MAX_QUERY_LENGTH).describe('Web search syntax'),
    conversationId: id.optional(),
    senderId: id.optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    limit: count(MAX_SEARCH_PAGE).optional(),
    after: cursor(SEARCH_CURSOR_PATTERN, parseSearchCursor).optional(),
  })
  .strict();

const role = z.enum(['ADMIN', 'MEMBER']);
/** Timeline items and change frames are the gateway's frames; documented by their common keys. */
const item = z.object({ seq: z.number().int() }).passthrough();
const change = z.object({ type: z.string(), conversationId: z.string() }).passthrough();

export const inboxResponse = z.object({
  items: z.array(
    z
      .object({
        conversationId: z.string(),
        kind: z.enum(['DIRECT', 'GROUP']),
        role,
        lastSeq: z.number().int(),
        readSeq: z.number().int(),
        unread: z.number().int(),
      })
      .passthrough(),
  ),
  next: z.string().nullable(),
});
export const membersResponse = z.object({
  members: z.array(z.object({ userId: z.string(), role, joinedSeq: z.number().int() })),
});
export const historyResponse = z.object({
  items: z.array(item),
  nextBeforeSeq: z.number().int().nullable(),
});
export const syncResponse = z.object({
  changes: z.array(change),
  throughCs: z.number().int(),
  more: z.boolean(),
});
export const receiptResponse = z
  .object({ kind: z.enum(['DIRECT', 'GROUP']), messageId: z.string(), seq: z.number().int() })
  .passthrough();
export const searchResponse = z.object({
  items: z.array(
    z.object({
      conversationId: z.string(),
      messageId: z.string(),
      seq: z.number().int(),
      senderId: z.string(),
      sentAt: z.string(),
      rank: z.number(),
      snippet: z.object({
        text: z.string(),
        // [start, end) pairs; a tuple has no OpenAPI 3.0 form.
        highlights: z.array(z.array(z.number().int()).length(2)),
      }),
    }),
  ),
  next: z.string().nullable(),
});
