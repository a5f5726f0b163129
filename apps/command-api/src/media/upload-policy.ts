import type { Config } from '@chat/config';
import { refuse } from '../http/problem';

export interface UploadRequest {
  contentType: string;
  sizeBytes: number;
}

/** Refuses a type not allowed (400) or a size over the limit (413) before any URL exists. */
export function checkUpload(request: UploadRequest, media: Config['media']): void {
  const type = request.contentType.toLowerCase();
  if (!media.allowedTypes.includes(type)) {
    throw refuse('media-type-not-allowed', `${request.contentType} is not an allowed type`);
  }
  if (request.sizeBytes > media.maxBytes) {
    throw refuse(
      'media-too-large',
      `${request.sizeBytes} bytes is over the limit of ${media.maxBytes}`,
    );
  }
}
