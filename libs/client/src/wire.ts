import {
  CHANGE_FRAME_TYPES,
  PROTOCOL_VERSION,
  type ChangeFrame,
  type ServerFrame,
} from '@chat/protocol';

/**
 * The frames as this client reads and writes them (docs/protocol.md): the server's frames are
 * the protocol's own types; every change a client can see carries its conversation's change
 * sequence `cs`, gapless per member from the change that added them to the change that
 * removed them.
 */
export const CLIENT_PROTOCOL_VERSION = PROTOCOL_VERSION;

export type { ChangeFrame, SyncResult } from '@chat/protocol';
export type ServerFrameV2 = ServerFrame;
type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
export type MessageFrame = FrameOf<'message'>;
export type MembershipFrame = FrameOf<'membership'>;
export type EditFrame = FrameOf<'edit'>;
export type DeleteFrame = FrameOf<'delete'>;
export type ReactionFrame = FrameOf<'reaction'>;
/** Direct conversations' receipts carry a cs; a group's own-device receipts carry none. */
export type ReceiptFrame = FrameOf<'receipt'>;
/** A change this member may not see (it targets an item from before they joined). */
export type SkipFrame = FrameOf<'skip'>;

type Ciphertext = { algorithm: string; data: string };

export interface SendContent {
  body?: string | null;
  replyTo?: string | null;
  ciphertext?: Ciphertext | null;
  media?: { objectKey: string; contentType: string; sizeBytes: number } | null;
  /** An upload the message carries (what `sendMedia` does for you). */
  mediaId?: string | null;
}

/** The client frames with an answer (`result` or `error`), without their `id`. */
export type RequestFrame =
  | ({ type: 'send'; conversationId: string; clientMessageId: string } & SendContent)
  | { type: 'ack'; conversationId: string; upToSeq: number }
  | { type: 'read'; conversationId: string; upToSeq: number }
  | { type: 'presence.subscribe'; userIds: string[] }
  | { type: 'presence.unsubscribe'; userIds: string[] }
  | { type: 'media.url'; conversationId: string; messageId: string }
  | { type: 'history'; conversationId: string; beforeSeq?: number; limit?: number }
  | { type: 'sync'; conversationId: string; afterCs: number; limit?: number }
  | { type: 'inbox'; after?: string; limit?: number };

export type HelloFrame = { type: 'hello'; v: number; cursors: Record<string, number> };
export type ClientFrameV2 = HelloFrame | (RequestFrame & { id: string }) | TypingFrame;
export type TypingFrame = { type: 'typing'; conversationId: string };

const CHANGE_TYPES = new Set<string>(CHANGE_FRAME_TYPES);

export function isChangeFrame(frame: { type: string }): frame is ChangeFrame {
  return CHANGE_TYPES.has(frame.type);
}
