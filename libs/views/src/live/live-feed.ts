import type { ChangeFrame } from '@chat/protocol';

/**
 * What the projectors tell the gateways once something is projected, over Redis pub/sub.
 * Published before the projector's position moves (a failed publish fails the batch, and the
 * replay publishes again from the stored change log), so nothing written goes unsent; a
 * gateway that still misses one has clients that see the gap in the cs and `sync`.
 */
export const LIVE_CHANNELS = {
  /** ProjectedBatch JSON: a conversation's changes from one projected batch. */
  projected: 'chat:live:projected',
  /** PresenceTouched JSON: users whose presence may have changed. */
  presence: 'chat:live:presence',
  /** TypingSignal JSON: ephemeral, never stored. */
  typing: 'chat:live:typing',
} as const;

type WithoutConversation<T> = T extends unknown ? Omit<T, 'conversationId'> : never;

/**
 * A change clients see, in cs order within its conversation: exactly the frame that carries
 * it, less the conversation (the batch names it). Group receipts are the one kind without cs.
 */
export type LiveChange = WithoutConversation<ChangeFrame>;

/** Changes and who gets them: the members at that point of the log (or skips, see sightOf). */
export interface LiveSegment {
  recipients: string[];
  changes: LiveChange[];
}

export interface ProjectedBatch {
  conversationId: string;
  segments: LiveSegment[];
}

export interface PresenceTouched {
  userIds: string[];
}

export interface TypingSignal {
  conversationId: string;
  userId: string;
  /** The typist's connection, so their own other devices still hear it but not the sender. */
  connectionId: string;
  recipients: string[];
}
