import { NotFoundException } from '@nestjs/common';
import { AuthError } from '@chat/auth';
import { DomainError } from '@chat/domain';
import { EventError } from '@chat/events';
import { errorFrame, httpProblem, refuse } from '@chat/protocol';
import { ViewError } from '@chat/views';
import { refusalOf } from './refusals';

describe('refusalOf', () => {
  it('keeps a refusal as it was thrown', () => {
    const refusal = refuse('rate-limited', 'slow down', { retryAfterMs: 300 });
    expect(refusalOf(refusal)).toBe(refusal);
  });

  it("names a domain rejection by its own code, with the catalogue's status", () => {
    const refusal = refusalOf(new DomainError('not-the-author'));
    expect(refusal).toMatchObject({ code: 'not-the-author', status: 403, retriable: false });
    expect(refusal.detail).toBe('only the author may do this');
  });

  it('names a refused read and a refused token by their own codes', () => {
    expect(refusalOf(new ViewError('bad-cursor', 'no such cursor'))).toMatchObject({
      code: 'bad-cursor',
      status: 400,
    });
    expect(refusalOf(new AuthError('token-expired', 'expired'))).toMatchObject({
      code: 'token-expired',
      status: 401,
    });
  });

  it('answers the log down with a retriable 503 and a wait, never a result', () => {
    const refusal = refusalOf(new EventError('log-unavailable', 'no broker'));
    expect(httpProblem(refusal)).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '2' },
      body: { code: 'log-unavailable', retriable: true, retryAfterMs: 2000 },
    });
  });

  it('answers a store that cannot be reached with store-unavailable, retriable', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(errorFrame(refusalOf(down))).toMatchObject({
      code: 'store-unavailable',
      retriable: true,
      retryAfterMs: 2000,
    });
  });

  it('names an unknown route route-not-found', () => {
    expect(refusalOf(new NotFoundException('Cannot GET /v2'))).toMatchObject({
      code: 'route-not-found',
      status: 404,
    });
  });

  it('calls anything else internal-error, and tells the caller so it is logged', () => {
    const seen: unknown[] = [];
    const boom = new TypeError('x is undefined');
    const refusal = refusalOf(boom, (error) => seen.push(error));
    expect(refusal).toMatchObject({ code: 'internal-error', status: 500, retriable: true });
    expect(seen).toEqual([boom]);
    // A non-retriable event error is a fault too, not an outage.
    expect(refusalOf(new EventError('corrupt-payload', 'bad bytes')).code).toBe('internal-error');
  });
});
