/**
 * Where media lives in the bucket. An upload's key names its owner, and only the owner is
 * given a URL for it, so an object found under `uploads/<user>/` was uploaded by that user.
 * A send moves it under its message: anything still under `uploads/` is unreferenced.
 */
export const UPLOADS_PREFIX = 'uploads/';

export const uploadKey = (ownerId: string, mediaId: string) =>
  `${UPLOADS_PREFIX}${encodeURIComponent(ownerId)}/${mediaId}`;

export const messageMediaKey = (conversationId: string, messageId: string) =>
  `conversations/${encodeURIComponent(conversationId)}/${encodeURIComponent(messageId)}`;

/** A message's image thumbnail lives beside its media object. */
export const THUMBNAIL_SUFFIX = '.thumb.webp';

export const thumbnailKey = (conversationId: string, messageId: string) =>
  `${messageMediaKey(conversationId, messageId)}${THUMBNAIL_SUFFIX}`;
