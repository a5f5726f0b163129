import { Budgets, FRAME_BUDGETS } from './budgets';

const budgetsAt = (clock: { now: number }, rate = 1, burst = 2) => {
  const options = { ratePerSecond: rate, burst, now: () => clock.now };
  return new Budgets({ read: options, typing: options, connect: options });
};

describe('budgets', () => {
  it('counts history, sync, inbox, search, presence and media.url frames as reads', () => {
    const clock = { now: 0 };
    const budgets = budgetsAt(clock, 1, 7);
    for (const type of [
      'history',
      'sync',
      'inbox',
      'search',
      'presence.subscribe',
      'presence.unsubscribe',
      'media.url',
    ] as const) {
      expect(budgets.frameRefusal('alice', type)).toBeNull();
    }
    expect(budgets.frameRefusal('alice', 'inbox')).toEqual({
      code: 'rate-limited',
      message: 'too many reads: retry in 1000 ms',
      retryAfterMs: 1000,
    });
    clock.now += 1000;
    expect(budgets.frameRefusal('alice', 'sync')).toBeNull();
  });

  it('refuses a typing flood with rate-limited, whatever the conversation, and not the next user', () => {
    const budgets = budgetsAt({ now: 0 });
    expect(budgets.frameRefusal('alice', 'typing')).toBeNull();
    expect(budgets.frameRefusal('alice', 'typing')).toBeNull();
    expect(budgets.frameRefusal('alice', 'typing')).toEqual({
      code: 'rate-limited',
      message: 'too many typing signals: retry in 1000 ms',
      retryAfterMs: 1000,
    });
    // Reads are a budget of their own, and bob has his.
    expect(budgets.frameRefusal('alice', 'history')).toBeNull();
    expect(budgets.frameRefusal('bob', 'typing')).toBeNull();
  });

  it('leaves commands to the shared command budget and hello to the connection budget', () => {
    const budgets = budgetsAt({ now: 0 }, 1, 1);
    for (let i = 0; i < 5; i++) {
      for (const type of ['send', 'ack', 'read', 'hello'] as const) {
        expect(budgets.frameRefusal('alice', type)).toBeNull();
      }
    }
    expect(FRAME_BUDGETS).toMatchObject({
      send: 'command',
      ack: 'command',
      read: 'command',
      hello: 'session',
    });
  });

  it('refuses connections past the user budget with when to try again', () => {
    const budgets = budgetsAt({ now: 0 }, 1, 2);
    expect(budgets.connectRefusal('alice')).toBeNull();
    expect(budgets.connectRefusal('alice')).toBeNull();
    expect(budgets.connectRefusal('alice')).toMatchObject({
      code: 'rate-limited',
      retryAfterMs: 1000,
    });
    expect(budgets.connectRefusal('bob')).toBeNull();
  });
});
