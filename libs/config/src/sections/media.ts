import { z } from 'zod';
import { atLeast, lowerCaseList, section, variable } from '../env-schema';

/** Media uploads: the content types allowed, the largest object, and URL lifetimes. */
export const mediaSettings = section({
  allowedTypes: variable(
    'CHAT_MEDIA_TYPES',
    lowerCaseList(
      'image/jpeg,image/png,image/gif,image/webp,video/mp4,audio/mpeg,audio/ogg,application/pdf,application/octet-stream',
    ),
  ),
  maxBytes: variable('CHAT_MEDIA_MAX_BYTES', atLeast(1).default(25 * 1024 * 1024)),
  uploadUrlTtlS: variable('CHAT_MEDIA_UPLOAD_URL_TTL_S', urlLifetimeS()),
  downloadUrlTtlS: variable('CHAT_MEDIA_DOWNLOAD_URL_TTL_S', urlLifetimeS()),
  /** An upload no message references is removed after this long. */
  unreferencedTtlMs: variable(
    'CHAT_MEDIA_UNREFERENCED_TTL_MS',
    atLeast(1000).default(24 * 3600 * 1000),
  ),
  /** How often the command API removes unreferenced uploads. */
  sweepIntervalMs: variable('CHAT_MEDIA_SWEEP_INTERVAL_MS', atLeast(1000).default(15 * 60 * 1000)),
});

function urlLifetimeS() {
  return z.coerce.number().int().min(1).max(3600).default(300);
}
