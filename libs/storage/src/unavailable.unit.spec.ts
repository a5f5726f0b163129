import { isStoreUnavailable } from './unavailable';

const withFields = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

describe('isStoreUnavailable', () => {
  it.each([
    [
      'a pg backend terminated by a restart',
      withFields('terminating connection', { code: '57P01' }),
    ],
    [
      'a pg server still starting',
      withFields('the database system is starting up', { code: '57P03' }),
    ],
    ['a pg socket closed under a query', new Error('Connection terminated unexpectedly')],
    [
      'a refused connection',
      withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
    ],
    [
      'ioredis giving up over its reconnections',
      withFields('Reached the max retries', { name: 'MaxRetriesPerRequestError' }),
    ],
    ['a Cassandra with no host', withFields('All host(s) tried', { name: 'NoHostAvailableError' })],
    [
      'one wrapped as a cause',
      new Error('handler failed', { cause: withFields('x', { code: 'ECONNRESET' }) }),
    ],
  ])('should say %s is an outage', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withFields('duplicate key', { code: '23505' })],
    ['a syntax error', withFields('syntax error', { code: '42601' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'text'],
  ])('should say %s is not', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});
