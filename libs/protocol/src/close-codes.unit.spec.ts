import {
  CLOSE_CODES,
  closeAction,
  FINAL_CLOSE_CODES,
  RECONNECT_CLOSE_CODES,
  REFRESH_TOKEN_CLOSE_CODES,
} from '@chat/protocol';

it('groups every close code by what a client does next', () => {
  expect([1006, 1009, 1011, 1012, 4008, 4010].map(closeAction)).toEqual(Array(6).fill('reconnect'));
  expect(closeAction(CLOSE_CODES.tokenExpired)).toBe('refresh-token');
  expect([1008, 4002, 4003, 4009, 4011].map(closeAction)).toEqual(Array(5).fill('final'));
});

it('reconnects after codes it does not know (a normal close, a server going away)', () => {
  expect([1000, 1001, 4999].map(closeAction)).toEqual(['reconnect', 'reconnect', 'reconnect']);
});

it('puts each of its codes in exactly one group', () => {
  const grouped = [...RECONNECT_CLOSE_CODES, ...REFRESH_TOKEN_CLOSE_CODES, ...FINAL_CLOSE_CODES];
  expect(new Set(grouped).size).toBe(grouped.length);
  expect(new Set(Object.values(CLOSE_CODES))).toEqual(new Set(grouped));
});
