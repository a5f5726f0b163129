import sharp from 'sharp';

/** The box a thumbnail fits in (both sides at most this many pixels). */
export const THUMBNAIL_BOX_PX = 320;
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';

/** Image types a thumbnail is made for; anything else (encrypted media included) gets none. */
export const THUMBNAIL_SOURCE_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
];

export const hasThumbnail = (contentType: string) =>
  THUMBNAIL_SOURCE_TYPES.includes(contentType.toLowerCase());

/**
 * A WebP thumbnail of an image within the box, never enlarged (the first frame of an
 * animation). Throws when the bytes are not a readable image.
 */
export async function makeThumbnail(image: Buffer): Promise<Buffer> {
  return sharp(image, { animated: false, limitInputPixels: 50_000_000 })
    .rotate()
    .resize(THUMBNAIL_BOX_PX, THUMBNAIL_BOX_PX, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
}
