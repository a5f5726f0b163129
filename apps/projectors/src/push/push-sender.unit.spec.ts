import type { PushEndpointPolicy } from '@chat/domain';
import { createLogger } from '@chat/observability';
import type { PinnedAddress, PushAttempt, PushProvider } from './push-provider';
import { createPushSender, type PushJob, type PushResult } from './push-sender';
import { attemptOf } from './web-push-provider';

const logger = createLogger('push-sender-test', 'silent');

const job = (n: number): PushJob => ({
  key: { conversationId: 'c', messageId: `m${n}`, userId: 'u', deviceId: 'd' },
  subscription: {
    userId: 'u',
    deviceId: 'd',
    endpoint: 'https://p.test/1',
    p256dh: 'k',
    auth: 'a',
  },
  payload: '{}',
  options: { topic: 't', urgency: 'high', ttlSeconds: 60 },
  dueAt: 0,
});

/** A provider answering from a script, then 201 for ever; it records when each send came. */
function scripted(...answers: PushAttempt[]) {
  const sentAt: number[] = [];
  const targets: PinnedAddress[] = [];
  const provider: PushProvider = {
    send: (_subscription, _payload, _options, target) => {
      sentAt.push(Date.now());
      targets.push(target);
      return Promise.resolve(answers.shift() ?? { kind: 'sent', status: 201 });
    },
  };
  return { provider, sentAt, targets };
}

/** A public address (documentation aside, any address on the internet would do). */
const PUBLIC: PinnedAddress = { address: '93.184.215.14', family: 4 };

function senderWith(
  provider: PushProvider,
  ratePerSecond = 1000,
  policy?: PushEndpointPolicy,
  resolve: (host: string) => Promise<PinnedAddress[]> = () => Promise.resolve([PUBLIC]),
) {
  const results: PushResult[] = [];
  const sender = createPushSender({
    provider,
    ratePerSecond,
    maxAttempts: 3,
    retryBaseMs: 20,
    logger,
    policy,
    resolve,
    settle: (_job, result) => {
      results.push(result);
      return Promise.resolve();
    },
  });
  return { sender, results };
}

describe('push sender', () => {
  it('should retry a 5xx and a 429 with backoff, honoring Retry-After, and send once', async () => {
    const { provider, sentAt } = scripted(
      { kind: 'retry', status: 500, retryAfterMs: null, detail: 'HTTP 500' },
      { kind: 'retry', status: 429, retryAfterMs: 150, detail: 'HTTP 429' },
    );
    const { sender, results } = senderWith(provider);
    sender.enqueue([job(1)]);
    await sender.drainWhenIdle();
    expect(results).toEqual([{ outcome: 'sent', attempts: 3, detail: 'HTTP 201' }]);
    // 20 ms after the 500 (the first backoff), then the 429's 150 ms over the doubled 40 ms.
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(19);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(149);
  });

  it('should give up after the last attempt, and never retry a gone subscription', async () => {
    const retry: PushAttempt = { kind: 'retry', status: 503, retryAfterMs: null, detail: 'x' };
    const { provider } = scripted(retry, retry, retry, { kind: 'gone', status: 410 });
    const { sender, results } = senderWith(provider);
    sender.enqueue([job(1)]);
    await sender.drainWhenIdle();
    sender.enqueue([job(2)]);
    await sender.drainWhenIdle();
    expect(results.map((r) => [r.outcome, r.attempts])).toEqual([
      ['failed', 3],
      ['gone', 1],
    ]);
  });

  it('should stagger sends at the configured rate (50/s: 20 sends take 0.3 s or more)', async () => {
    const { provider, sentAt } = scripted();
    const { sender } = senderWith(provider, 50);
    sender.enqueue(Array.from({ length: 20 }, (_, i) => job(i)));
    await sender.drainWhenIdle();
    // A burst of 5 (a tenth of a second's worth), then one every 20 ms: 15 * 20 = 300 ms.
    expect(sentAt[19]! - sentAt[0]!).toBeGreaterThanOrEqual(290);
  });
});

describe('push endpoint policy at send time', () => {
  it('should never send to an endpoint the policy refuses, and say why', async () => {
    const { provider, sentAt } = scripted();
    const policy = {
      endpointHosts: ['push.example.com'],
      allowHttpEndpoints: false,
      allowInternalEndpoints: false,
    };
    const { sender, results } = senderWith(provider, 1000, policy);
    sender.enqueue([job(1)]);
    await sender.drainWhenIdle();
    expect(sentAt).toEqual([]);
    expect(results).toEqual([
      {
        outcome: 'failed',
        attempts: 0,
        detail: 'not sent: p.test is not a push service this server uses',
      },
    ]);
  });
});

describe('push endpoint addresses at send time', () => {
  const open = { endpointHosts: [], allowHttpEndpoints: false, allowInternalEndpoints: false };

  it('should not send to a name that resolves to an address inside the network', async () => {
    for (const inside of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      'fd00::1',
      '::ffff:10.0.0.1',
    ]) {
      const { provider, sentAt } = scripted();
      const resolve = () =>
        Promise.resolve([
          PUBLIC,
          { address: inside, family: inside.includes(':') ? 6 : 4 } as const,
        ]);
      const { sender, results } = senderWith(provider, 1000, open, resolve);
      sender.enqueue([job(1)]);
      await sender.drainWhenIdle();
      expect(sentAt).toEqual([]);
      expect(results).toEqual([
        {
          outcome: 'failed',
          attempts: 0,
          detail: `not sent: p.test resolves to ${inside}, inside the network`,
        },
      ]);
    }
  });

  it('should connect to the address it checked, resolving once per attempt', async () => {
    const { provider, targets } = scripted({
      kind: 'retry',
      status: 503,
      retryAfterMs: null,
      detail: 'HTTP 503',
    });
    const answers = [[PUBLIC], [{ address: '10.0.0.7', family: 4 as const }]];
    let lookups = 0;
    const resolve = () => Promise.resolve(answers[lookups++]!);
    const { sender, results } = senderWith(provider, 1000, open, resolve);
    sender.enqueue([job(1)]);
    await sender.drainWhenIdle();
    // The name moved inside the network between the attempts: the retry is not sent.
    expect(targets).toEqual([PUBLIC]);
    expect(results).toEqual([
      {
        outcome: 'failed',
        attempts: 1,
        detail: 'not sent: p.test resolves to 10.0.0.7, inside the network',
      },
    ]);
  });

  it('should send to an internal address where configured (a local push service)', async () => {
    const { provider, targets } = scripted();
    const loopback = { address: '127.0.0.1', family: 4 as const };
    const { sender, results } = senderWith(
      provider,
      1000,
      { ...open, allowInternalEndpoints: true },
      () => Promise.resolve([loopback]),
    );
    sender.enqueue([job(1)]);
    await sender.drainWhenIdle();
    expect([targets, results[0]?.outcome]).toEqual([[loopback], 'sent']);
  });
});

describe('push service answers', () => {
  it('should map statuses to what the notifier does next', () => {
    expect(attemptOf(201, null)).toEqual({ kind: 'sent', status: 201 });
    expect(attemptOf(410, null)).toEqual({ kind: 'gone', status: 410 });
    expect(attemptOf(404, null)).toEqual({ kind: 'gone', status: 404 });
    expect(attemptOf(429, '3')).toMatchObject({ kind: 'retry', retryAfterMs: 3000 });
    expect(attemptOf(502, null)).toMatchObject({ kind: 'retry', retryAfterMs: null });
    expect(attemptOf(400, null)).toMatchObject({ kind: 'failed', status: 400 });
  });
});
