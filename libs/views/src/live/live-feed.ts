import type { ServerFrame, ServerFrameType } from '@chat/protocol';
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

/** The fields of a server frame beyond its type and conversation: what a change carries. */
type FrameFields<T extends ServerFrameType> = Omit<
  Extract<ServerFrame, { type: T }>,
  'type' | 'conversationId'
>;

/**
 * A change clients see, in log order within its conversation: a new timeline item (message or
 * membership notice, with its seq), or a change to one, shaped as the frame that carries it.
 */
export type LiveChange =
  | { kind: 'item'; item: TimelineItem }
  | ({ kind: 'edit' } & FrameFields<'edit'>)
  | ({ kind: 'delete' } & FrameFields<'delete'>)
  | ({ kind: 'reaction' } & FrameFields<'reaction'>)
  | ({ kind: 'receipt' } & FrameFields<'receipt'>);

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
