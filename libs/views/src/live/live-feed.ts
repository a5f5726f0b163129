import type { TimelineItem } from '../timeline/timeline-store';

/**
 * What the projectors tell the gateways once something is projected, over Redis pub/sub.
 * Fire and forget: a gateway that misses a message has clients that see a gap in the seqs and
 * fetch what they missed from the views, which already hold it.
 */
export const LIVE_CHANNELS = {
  /** ProjectedBatch JSON: a conversation's changes from one projected batch. */
  projected: 'chat:live:projected',
  /** PresenceTouched JSON: users whose presence may have changed. */
  presence: 'chat:live:presence',
  /** TypingSignal JSON: ephemeral, never stored. */
  typing: 'chat:live:typing',
} as const;

/** A change clients see, in log order within its conversation. */
export type LiveChange =
  /** A new timeline item (message or membership notice) with its seq. */
  | { kind: 'item'; item: TimelineItem }
  | {
      kind: 'edit';
      seq: number;
      messageId: string;
      body: string | null;
      ciphertext: { algorithm: string; data: string } | null;
      editedAt: string;
    }
  | { kind: 'delete'; seq: number; messageId: string; deletedBy: string }
  | {
      kind: 'reaction';
      seq: number;
      messageId: string;
      emoji: string;
      userId: string;
      present: boolean;
    }
  | {
      kind: 'receipt';
      userId: string;
      receipt: 'delivered' | 'read';
      upToSeq: number;
      deviceId: string | null;
    };

/** Changes and who may see them: the members at that point in the log. */
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
