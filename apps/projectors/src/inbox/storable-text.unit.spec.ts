import { storableText } from './storable-text';

describe('text the inbox stores', () => {
  it('maps U+0000, which Postgres text refuses, to U+FFFD', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
  });

  it('keeps everything else as it is', () => {
    const text = 'héllo 👋 \u0001\t\n\uFEFF';
    expect(storableText(text)).toBe(text);
  });
});
