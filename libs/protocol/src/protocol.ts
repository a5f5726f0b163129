import { z } from 'zod';
// The bounds alone, not the domain's index: the protocol is loaded by browsers too.
import { MAX_SEQ } from '@chat/domain/limits';
import type { ErrorFrame } from './refusals';

/**
 * The gateway protocol, version 2: JSON text frames over a WebSocket (or Server-Sent Events
 * for receiving). Documented in docs/protocol.md. Every frame has a `type`; a client frame may
 * carry an `id`, which the server's `result` or `error` for it repeats.
 */
export const PROTOCOL_VERSION = 2;

/** Close codes and what a client does after each: in ./close-codes, re-exported here. */
export * from './close-codes';

/** The refusal catalogue and its two mappers (HTTP problem, `error` frame): in ./refusals. */
export * from './refusals';

const id = z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'an id: 1 to 128 of A-Za-z0-9._:@-');
const seq = z.number().int().min(0).max(MAX_SEQ);
const requestId = z.string().max(64).optional();

/** What a client may send. Strict: unknown fields are errors, as in the HTTP API. */
export const clientFrame = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hello'),
      id: requestId,
      v: z.number().int(),
      /**
       * The last change (cs) the device has per conversation; every visible change after it is
       * sent first. A conversation without one resumes after the user's read position.
       */
      cursors: z.record(id, seq).default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal('send'),
      id: requestId,
      conversationId: id,
      clientMessageId: id,
      body: z.string().max(65536).nullable().optional(),
      replyTo: id.nullable().optional(),
      ciphertext: z
        .object({ algorithm: z.string(), data: z.string() })
        .strict()
        .nullable()
        .optional(),
      media: z
        .object({ objectKey: z.string(), contentType: z.string(), sizeBytes: z.number() })
        .strict()
        .nullable()
        .optional(),
      /** An upload (POST /v1/media/uploads) the message carries. */
      mediaId: z.string().uuid().nullable().optional(),
    })
    .strict(),
  z.object({ type: z.literal('ack'), id: requestId, conversationId: id, upToSeq: seq }).strict(),
  z.object({ type: z.literal('read'), id: requestId, conversationId: id, upToSeq: seq }).strict(),
  z.object({ type: z.literal('typing'), id: requestId, conversationId: id }).strict(),
  z
    .object({
      type: z.literal('presence.subscribe'),
      id: requestId,
      userIds: z.array(id).min(1).max(200),
    })
    .strict(),
  z
    .object({
      type: z.literal('presence.unsubscribe'),
      id: requestId,
      userIds: z.array(id).min(1).max(200),
    })
    .strict(),
  /** A short-lived download URL for a message's media (members who can see it). */
  z
    .object({ type: z.literal('media.url'), id: requestId, conversationId: id, messageId: id })
    .strict(),
  z
    .object({
      type: z.literal('history'),
      id: requestId,
      conversationId: id,
      beforeSeq: seq.optional(),
      limit: z.number().int().min(1).max(200).optional(),
    })
    .strict(),
  /** The changes after a cs, oldest first: how a client repairs a gap it detected. */
  z
    .object({
      type: z.literal('sync'),
      id: requestId,
      conversationId: id,
      afterCs: seq,
      limit: z.number().int().min(1).max(200).optional(),
    })
    .strict(),
  /** Full-text search over the messages the user may read: the result of GET /v1/search. */
  z
    .object({
      type: z.literal('search'),
      id: requestId,
      q: z.string().trim().min(1).max(256),
      conversationId: id.optional(),
      senderId: id.optional(),
      from: z.string().datetime({ offset: true }).optional(),
      to: z.string().datetime({ offset: true }).optional(),
      limit: z.number().int().min(1).max(50).optional(),
      after: z.string().max(512).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('inbox'),
      id: requestId,
      after: z.string().max(512).optional(),
      limit: z.number().int().min(1).max(200).optional(),
    })
    .strict(),
]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];

/** A timeline item as clients get it (the timeline view's item). */
export interface WireItem {
  conversationId: string;
  seq: number;
  itemKind: 'MESSAGE' | 'NOTICE';
  eventType: string;
  messageId: string | null;
  actorId: string;
  kind: string | null;
  body: string | null;
  ciphertext: { algorithm: string; data: string } | null;
  media: { objectKey: string; contentType: string; sizeBytes: number } | null;
  replyTo: string | null;
  notice: Record<string, unknown> | null;
  occurredAt: string;
  editedAt: string | null;
  deleted: boolean;
  deletedBy: string | null;
  /** Members by the emoji they reacted with: one reaction per member, so each appears once. */
  reactions: Record<string, string[]>;
}

export interface PresenceState {
  userId: string;
  online: boolean;
  lastSeenAt: number | null;
}

/**
 * What the server sends. Frames with a `cs` are changes: each conversation's changes are
 * numbered 1, 2, 3... (the change sequence), so a device sees a gap from the numbers alone and
 * repairs it with `sync`. A member gets every cs from the change that added them to the one
 * that removed them: a change they may not see (one to a message from before they joined)
 * comes as a `skip` with its cs.
 */
export type ServerFrame =
  | { type: 'welcome'; v: number; userId: string; deviceId: string | null; connectionId: string }
  /** A new message: a timeline item with its seq, and the change that made it. */
  | { type: 'message'; conversationId: string; cs: number; seq: number; item: WireItem }
  /** A membership change (created, added, removed, role changed): also an item. */
  | { type: 'membership'; conversationId: string; cs: number; seq: number; item: WireItem }
  | {
      type: 'edit';
      conversationId: string;
      cs: number;
      seq: number;
      messageId: string;
      body: string | null;
      ciphertext: { algorithm: string; data: string } | null;
      editedAt: string;
    }
  | {
      type: 'delete';
      conversationId: string;
      cs: number;
      seq: number;
      messageId: string;
      deletedBy: string;
    }
  | {
      /**
       * A member's one reaction on an item: `present` replaces whatever they had; not
       * `present` clears theirs only if it is `emoji` (see withReaction in @chat/domain).
       */
      type: 'reaction';
      conversationId: string;
      cs: number;
      seq: number;
      messageId: string;
      emoji: string;
      userId: string;
      present: boolean;
    }
  /**
   * A receipt. In a direct conversation a change with its cs; in a group only the reader's
   * own devices get it, live, without a cs (its durable state is the inbox's read seq).
   */
  | {
      type: 'receipt';
      conversationId: string;
      cs?: number;
      userId: string;
      receipt: 'delivered' | 'read';
      upToSeq: number;
      deviceId: string | null;
    }
  /** A change this member may not see: only its cs, so the numbers stay gapless. */
  | { type: 'skip'; conversationId: string; cs: number }
  | { type: 'presence'; presence: PresenceState }
  | { type: 'typing'; conversationId: string; userId: string }
  /**
   * Resume finished; live frames follow. `more` names the conversations whose missed changes
   * were more than a resume sends (1,000 each): the device pages the rest with `sync`.
   */
  | { type: 'synced'; conversations: number; changes: number; more: string[] }
  | { type: 'result'; id: string; result: unknown }
  /** These users' presence may no longer be seen (no conversation in common any more). */
  | { type: 'presence.revoked'; userIds: string[] }
  /**
   * A refusal (see ./refusals): its catalogue `code`, whether the same request may succeed
   * when tried again (`retriable`), and how long to wait first (`retryAfterMs`).
   */
  | ErrorFrame
  /** The server is draining: reconnect now (another instance will take you). */
  | { type: 'reconnect'; reason: string };

export type ServerFrameType = ServerFrame['type'];

/** The frames that are changes of a conversation (those that carry, or may carry, a cs). */
export const CHANGE_FRAME_TYPES = [
  'message',
  'membership',
  'edit',
  'delete',
  'reaction',
  'receipt',
  'skip',
] as const;

export type ChangeFrame = Extract<ServerFrame, { type: (typeof CHANGE_FRAME_TYPES)[number] }>;

/** What `sync` answers: the changes after `afterCs`, and how far the device is now complete. */
export interface SyncResult {
  changes: ChangeFrame[];
  /** The cs the device has everything through (past invisible changes): its new cursor. */
  throughCs: number;
  /** True when there is more after `throughCs`: ask again from it. */
  more: boolean;
}
