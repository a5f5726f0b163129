import { newEnvelope, type EnvelopeSource } from '@chat/domain';
import type { MediaUploadRequested } from '@chat/events';

/** Who owns a new media id, and what the upload under it may be, until when. */
export function mediaUploadRequested(
  upload: Omit<MediaUploadRequested, 'type' | 'envelope' | 'ownerId'>,
  source: EnvelopeSource,
): MediaUploadRequested {
  return {
    type: 'MediaUploadRequested',
    envelope: newEnvelope('MediaUploadRequested', source),
    ownerId: source.actor.userId,
    ...upload,
  };
}
