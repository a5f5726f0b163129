import { loadConfig } from '@chat/config';
import { checkUpload } from './upload-policy';

const media = loadConfig({
  CHAT_ENVIRONMENT: 'local',
  CHAT_MEDIA_TYPES: 'image/png,video/mp4',
  CHAT_MEDIA_MAX_BYTES: '1000',
}).media;

describe('the upload policy', () => {
  it('should let an allowed type at the size limit through', () => {
    expect(() => checkUpload({ contentType: 'image/png', sizeBytes: 1000 }, media)).not.toThrow();
  });

  it('should match the type case-insensitively', () => {
    expect(() => checkUpload({ contentType: 'Image/PNG', sizeBytes: 1 }, media)).not.toThrow();
  });

  it('should refuse a type not allowed with 400', () => {
    expect(() => checkUpload({ contentType: 'text/html', sizeBytes: 1 }, media)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('should refuse one byte over the limit with 413', () => {
    expect(() => checkUpload({ contentType: 'image/png', sizeBytes: 1001 }, media)).toThrow(
      expect.objectContaining({ status: 413 }),
    );
  });
});
