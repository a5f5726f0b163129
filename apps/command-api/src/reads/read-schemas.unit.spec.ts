import { historyQuery, inboxQuery, syncQuery } from './read-schemas';

describe('the reads’ integer query values', () => {
  it.each(['', ' 5', '0x10', '1e3', '5.5', '-1'])(
    'should refuse afterCs=%j, which the document (an integer of digits) does not admit',
    (value) => {
      expect(syncQuery.safeParse({ afterCs: value }).success).toBe(false);
    },
  );

  it('should read digits as the number they write, within the bounds', () => {
    expect(syncQuery.parse({ afterCs: '0', wait: '30' })).toEqual({ afterCs: 0, wait: 30 });
    expect(historyQuery.parse({ beforeSeq: '12', limit: '20' })).toEqual({
      beforeSeq: 12,
      limit: 20,
    });
    expect(inboxQuery.safeParse({ limit: '' }).success).toBe(false);
    expect(historyQuery.parse({})).toEqual({});
  });
});
