import type { PresenceState, WireItem } from '@chat/protocol';

/**
 * The frames of protocol version 2 as this client reads and writes them (docs/protocol.md):
 * every change a client can see carries its conversation's change sequence `cs`, gapless per
 * member from the change that added them to the change that removed them.
 */
export const CLIENT_PROTOCOL_VERSION = 2;

type Ciphertext = { algorithm: string; data: string };

export interface MessageFrame {
  type: 'message';
  conversationId: string;
  cs: number;
  seq: number;
  item: WireItem;
}
export interface MembershipFrame {
  type: 'membership';
  conversationId: string;
  cs: number;
  seq: number;
  item: WireItem;
}
export interface EditFrame {
  type: 'edit';
  conversationId: string;
  cs: number;
  seq: number;
  messageId: string;
  body: string | null;
  ciphertext: Ciphertext | null;
  editedAt: string;
}
export interface DeleteFrame {
  type: 'delete';
  conversationId: string;
  cs: number;
  seq: number;
  messageId: string;
  deletedBy: string;
}
export interface ReactionFrame {
  type: 'reaction';
  conversationId: string;
  cs: number;
  seq: number;
  messageId: string;
  emoji: string;
  userId: string;
  present: boolean;
}
/** Direct conversations' receipts carry a cs; a group's own-device receipts carry none. */
export interface ReceiptFrame {
  type: 'receipt';
  conversationId: string;
  cs?: number;
  userId: string;
  receipt: 'delivered' | 'read';
  upToSeq: number;
  deviceId: string | null;
}
/** A change this member may not see (it targets an item from before they joined). */
export interface SkipFrame {
  type: 'skip';
  conversationId: string;
  cs: number;
}

/** A change of a conversation, in cs order. */
export type ChangeFrame =
  | MessageFrame
  | MembershipFrame
  | EditFrame
  | DeleteFrame
  | ReactionFrame
  | ReceiptFrame
  | SkipFrame;

export type ServerFrameV2 =
  | ChangeFrame
  | { type: 'welcome'; v: number; userId: string; deviceId: string | null; connectionId: string }
  | { type: 'presence'; presence: PresenceState }
  /** These users' presence may no longer be seen (no conversation in common any more). */
  | { type: 'presence.revoked'; userIds: string[] }
  | { type: 'typing'; conversationId: string; userId: string }
  | { type: 'synced'; conversations: number; items: number }
  | { type: 'result'; id: string; result: unknown }
  | { type: 'error'; id?: string; code: string; message: string; retryAfterMs?: number }
  | { type: 'reconnect'; reason: string };

/** The answer to `sync`: every change after `afterCs`, complete through `throughCs`. */
export interface SyncResult {
  changes: ChangeFrame[];
  throughCs: number;
  more: boolean;
}

export interface SendContent {
  body?: string | null;
  replyTo?: string | null;
  ciphertext?: Ciphertext | null;
  media?: { objectKey: string; contentType: string; sizeBytes: number } | null;
}

/** The client frames with an answer (`result` or `error`), without their `id`. */
export type RequestFrame =
  | ({ type: 'send'; conversationId: string; clientMessageId: string } & SendContent)
  | { type: 'ack'; conversationId: string; upToSeq: number }
  | { type: 'read'; conversationId: string; upToSeq: number }
  | { type: 'presence.subscribe'; userIds: string[] }
  | { type: 'presence.unsubscribe'; userIds: string[] }
  | { type: 'history'; conversationId: string; beforeSeq?: number; limit?: number }
  | { type: 'sync'; conversationId: string; afterCs: number; limit?: number }
  | { type: 'inbox'; after?: string; limit?: number };

export type HelloFrame = { type: 'hello'; v: number; cursors: Record<string, number> };
export type ClientFrameV2 = HelloFrame | (RequestFrame & { id: string }) | TypingFrame;
export type TypingFrame = { type: 'typing'; conversationId: string };

const CHANGE_TYPES = new Set<string>([
  'message',
  'membership',
  'edit',
  'delete',
  'reaction',
  'receipt',
  'skip',
]);

export function isChangeFrame(frame: { type: string }): frame is ChangeFrame {
  return CHANGE_TYPES.has(frame.type);
}
