import {
  errorFrame,
  httpProblem,
  isRefusalCode,
  problemDocument,
  REFUSALS,
  refuse,
  Refusal,
  type RefusalCode,
} from './refusals';

const codes = Object.keys(REFUSALS) as RefusalCode[];

describe('the refusal catalogue', () => {
  it.each(codes)('maps %s to a problem the schema accepts and an error frame alike', (code) => {
    const refusal = refuse(code, 'why');
    const entry = REFUSALS[code];
    const { status, headers, body } = httpProblem(refusal);
    expect(status).toBe(entry.status);
    expect(problemDocument.parse(body)).toEqual(body);
    expect(body).toMatchObject({ status: entry.status, code, detail: 'why' });
    expect(body.retriable).toBe(entry.retriable);
    expect(body.title).not.toBe('Error');
    const frame = errorFrame(refusal, 'r1');
    expect(frame).toMatchObject({ type: 'error', id: 'r1', code, message: 'why' });
    expect(frame.retriable).toBe(entry.retriable);
    expect(frame.retryAfterMs).toBe(body.retryAfterMs);
    // The header and the body say the same wait, the header in whole seconds rounded up.
    if (body.retryAfterMs === undefined) expect(headers['Retry-After']).toBeUndefined();
    else expect(Number(headers['Retry-After'])).toBe(Math.ceil(body.retryAfterMs / 1000));
  });

  it('has every status an HTTP error status, and a wait only where a retry helps', () => {
    for (const code of codes) {
      const entry: { status: number; retriable: boolean; retryAfterMs?: number } = REFUSALS[code];
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      if (entry.retryAfterMs !== undefined) expect(entry.retriable).toBe(true);
    }
  });

  it('calls a fault of the server internal-error, a retriable 500', () => {
    expect(REFUSALS['internal-error']).toEqual({ status: 500, retriable: true });
    expect(isRefusalCode('internal')).toBe(false);
  });

  it('knows its own codes and nothing else', () => {
    expect(isRefusalCode('rate-limited')).toBe(true);
    expect(isRefusalCode('toString')).toBe(false);
    expect(isRefusalCode(42)).toBe(false);
  });
});

describe('the HTTP mapper', () => {
  it('gives a retriable 503 its Retry-After, and the wait in the body too', () => {
    const { status, headers, body } = httpProblem(refuse('log-unavailable', 'Kafka is down'));
    expect(status).toBe(503);
    expect(headers).toEqual({ 'Retry-After': '2' });
    expect(body).toEqual({
      status: 503,
      code: 'log-unavailable',
      title: 'Service Unavailable',
      detail: 'Kafka is down',
      retriable: true,
      retryAfterMs: 2000,
    });
  });

  it("rounds the thrower's wait up to whole seconds for Retry-After", () => {
    const refusal = refuse('rate-limited', 'slow down', { retryAfterMs: 1500 });
    expect(httpProblem(refusal).headers['Retry-After']).toBe('2');
    expect(httpProblem(refusal).body.retryAfterMs).toBe(1500);
    const short = refuse('rate-limited', 'slow down', { retryAfterMs: 10 });
    expect(httpProblem(short).headers['Retry-After']).toBe('1');
  });

  it('gives a refusal that no retry helps neither Retry-After nor a wait', () => {
    const { status, headers, body } = httpProblem(refuse('not-a-member', 'no'));
    expect(status).toBe(403);
    expect(headers).toEqual({});
    expect(body.retriable).toBe(false);
    expect(body).not.toHaveProperty('retryAfterMs');
  });

  it('ignores a wait given to a refusal that no retry helps', () => {
    const refusal = refuse('not-a-member', 'no', { retryAfterMs: 5000 });
    expect(refusal.retryAfterMs).toBeUndefined();
    expect(httpProblem(refusal).headers).toEqual({});
  });

  it('names the bearer challenge of a 401', () => {
    const { status, headers } = httpProblem(refuse('token-expired', 'expired'));
    expect(status).toBe(401);
    expect(headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="token-expired"',
    );
  });

  it('carries the field errors of an invalid request', () => {
    const errors = [{ path: 'body.upToSeq', message: 'Required' }];
    const { body } = httpProblem(refuse('invalid-request', 'bad body', { errors }));
    expect(body.errors).toEqual(errors);
    expect(problemDocument.parse(body)).toEqual(body);
  });
});

describe('the error frame mapper', () => {
  it('gives a 429 its retryAfterMs and says it is retriable', () => {
    const refusal = refuse('rate-limited', 'too many reads', { retryAfterMs: 700 });
    expect(refusal.status).toBe(429);
    expect(errorFrame(refusal, 'r7')).toEqual({
      type: 'error',
      id: 'r7',
      code: 'rate-limited',
      message: 'too many reads',
      retriable: true,
      retryAfterMs: 700,
    });
  });

  it("gives a 429 the catalogue's wait when the thrower gave none", () => {
    expect(errorFrame(refuse('too-many-long-polls', 'wait')).retryAfterMs).toBe(1000);
  });

  it('leaves out the id of an error that answers no request', () => {
    expect(errorFrame(refuse('bad-frame', 'not JSON'))).toEqual({
      type: 'error',
      code: 'bad-frame',
      message: 'not JSON',
      retriable: false,
    });
  });
});

describe('a refusal', () => {
  it('is an Error with its code in the message and the cause kept', () => {
    const cause = new Error('ECONNREFUSED');
    const refusal = refuse('store-unavailable', 'down', { cause });
    expect(refusal).toBeInstanceOf(Refusal);
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal.message).toBe('store-unavailable: down');
    expect(refusal.cause).toBe(cause);
  });
});
