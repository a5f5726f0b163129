import { isStoreRefusal, RefusedWriteError } from './store-refusal';

describe('a store refusal', () => {
  it.each([
    ['a projection saying so', new RefusedWriteError('no column for this')],
    ['Postgres refusing a value', Object.assign(new Error('invalid byte'), { code: '22021' })],
    ['Postgres refusing a NUL in text', Object.assign(new Error('unsupported'), { code: '22P05' })],
    ['a constraint', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['Cassandra refusing a value', Object.assign(new Error('Invalid'), { code: 0x2200 })],
    ['code meeting data it cannot take', new TypeError('x is undefined')],
  ])('is %s', (_, error) => expect(isStoreRefusal(error)).toBe(true));

  it.each([
    ['a connection refused', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['Postgres shutting down', Object.assign(new Error('terminating'), { code: '57P01' })],
    ['a network failure of fetch', new TypeError('fetch failed')],
    ['a timeout', new Error('timed out')],
  ])('is not %s', (_, error) => expect(isStoreRefusal(error)).toBe(false));
});
