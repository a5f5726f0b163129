import { DomainError, type DecisionState } from '@chat/domain';
import type { ChatEvent } from '@chat/events';
import { refuse } from '../problem';
import type { CommandBudget } from './command-budget';
import type { CommandConnections } from './command-connections';
import { CommandPipeline } from './command-pipeline';
import type { CommandPlan } from './command-plan';
import type { DecisionStates } from './decision-states';
import { SendAdmission } from './send-admission';
import type { SendOnce } from './send-once';
import { SendOrder } from './send-order';
import type { ViewsCatchUp } from './views-catch-up';

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

const eventOf = (eventId: string) => ({ envelope: { eventId } }) as unknown as ChatEvent;

/** A pipeline on fakes: every step it takes is written to `steps`. */
function pipelineOf(
  options: {
    admission?: SendAdmission;
    spend?: (userId: string) => Promise<void>;
    state?: () => DecisionState;
    caughtUp?: boolean;
  } = {},
) {
  const steps: string[] = [];
  const appended: string[] = [];
  let appendsGo: () => void = () => undefined;
  let appendsWait = Promise.resolve();
  const connections = {
    config: { limits: { maxGroupMembers: 10, maxMessageLength: 100 } },
    log: {
      async append(events: ChatEvent[]) {
        await appendsWait;
        steps.push('append');
        appended.push(...events.map((event) => event.envelope.eventId));
      },
    },
  } as unknown as CommandConnections;
  const budget = {
    spend: async (userId: string) => {
      steps.push('budget');
      await options.spend?.(userId);
    },
  } as CommandBudget;
  const states = {
    of: async () => {
      steps.push('load');
      return options.state?.() ?? { conversation: null };
    },
  } as unknown as DecisionStates;
  const views = {
    caughtUp: async () => {
      steps.push('catch-up');
      return options.caughtUp ?? true;
    },
  } as unknown as ViewsCatchUp;
  const once = {
    run: async (_claim: unknown, next: (firstTry: boolean) => Promise<string[]>) => {
      steps.push('claim');
      return { replayed: false, eventIds: await next(true) };
    },
  } as unknown as SendOnce;
  const admission = options.admission ?? new SendAdmission(100, 100);
  const pipeline = new CommandPipeline(
    connections,
    budget,
    new SendOrder(admission),
    states,
    views,
    once,
  );
  return {
    pipeline,
    steps,
    appended,
    holdAppends() {
      appendsWait = new Promise<void>((resolve) => (appendsGo = resolve));
    },
    releaseAppends: () => appendsGo(),
  };
}

const query = { conversationId: 'g-1', memberIds: ['bob'], messageId: null, sentBy: null };

/** A send of `userId` to `conversationId` that decides one event named `eventId`. */
const sendPlan = (
  userId: string,
  eventId: string,
  conversationId = 'g-1',
): CommandPlan<ChatEvent> => ({
  actor: { userId, deviceId: 'phone' },
  admission: { orderKey: JSON.stringify([userId, conversationId]) },
  load: null,
  decide: () => [eventOf(eventId)],
});

describe('the command pipeline', () => {
  it('runs every step in one order, reading the decision while the claim is being taken', async () => {
    const { pipeline, steps } = pipelineOf();
    const outcome = await pipeline.execute({
      actor: { userId: 'bob', deviceId: 'phone' },
      admission: { orderKey: 'bob/g-1' },
      load: query,
      prepare: {
        probe: 'probe',
        run: async () => {
          steps.push('side effect');
          return 'moved';
        },
      },
      decide: (_state, _ctx, prepared) => {
        steps.push(`decide on ${prepared}`);
        return [eventOf('e-1')];
      },
      once: () => ({ key: 'k', fingerprint: 'f' }),
    });
    expect(steps).toEqual([
      'budget',
      'load',
      'decide on probe',
      'side effect',
      'load',
      'claim',
      'decide on moved',
      'append',
    ]);
    expect(outcome).toEqual({ replayed: false, eventIds: ['e-1'], prepared: 'moved' });
  });

  it('takes no place and does nothing for a command refused by its budget', async () => {
    const admission = new SendAdmission(10, 10);
    const { pipeline, steps } = pipelineOf({
      admission,
      spend: async () => {
        throw refuse('rate-limited', 'too many commands', { retryAfterMs: 1000 });
      },
    });
    await expect(pipeline.execute(sendPlan('bob', 'e-1'))).rejects.toMatchObject({
      code: 'rate-limited',
    });
    expect(steps).toEqual(['budget']);
    expect(admission.taken).toBe(0);
  });

  it('leaves no side effect behind a command refused by its early decision', async () => {
    const { pipeline, steps } = pipelineOf();
    await expect(
      pipeline.execute({
        actor: { userId: 'mallory', deviceId: null },
        load: null,
        prepare: {
          probe: 'probe',
          run: async () => {
            steps.push('side effect');
            return 'moved';
          },
        },
        decide: () => {
          throw new DomainError('not-a-member', 'mallory is not a member');
        },
      }),
    ).rejects.toThrow(DomainError);
    expect(steps).toEqual(['budget']);
  });

  it('trusts a refusal that may mean a stale view only once the view caught up', async () => {
    let members = 0;
    const { pipeline, steps } = pipelineOf({
      state: () => ({ conversation: null, members: members++ }) as unknown as DecisionState,
    });
    const outcome = await pipeline.execute({
      actor: { userId: 'bob', deviceId: 'phone' },
      load: query,
      decide: (state) => {
        if ((state as unknown as { members: number }).members === 0) {
          throw new DomainError('conversation-not-found', 'no such conversation');
        }
        return [eventOf('e-1')];
      },
    });
    expect(outcome.eventIds).toEqual(['e-1']);
    expect(steps).toEqual(['budget', 'load', 'catch-up', 'load', 'append']);
  });

  it('answers views-behind when the view does not catch up in time', async () => {
    const { pipeline } = pipelineOf({ caughtUp: false });
    await expect(
      pipeline.execute({
        actor: { userId: 'bob', deviceId: 'phone' },
        load: query,
        decide: () => {
          throw new DomainError('not-a-member', 'bob is not a member');
        },
      }),
    ).rejects.toMatchObject({ status: 503, code: 'views-behind' });
  });

  it("keeps one sender's sends to a conversation in arrival order when budgets answer out of order", async () => {
    let calls = 0;
    const { pipeline, appended } = pipelineOf({
      // The first budget answers last.
      spend: () => new Promise((resolve) => setTimeout(resolve, calls++ === 0 ? 30 : 0)),
    });
    await Promise.all([
      pipeline.execute(sendPlan('bob', 'first')),
      pipeline.execute(sendPlan('bob', 'second')),
      pipeline.execute(sendPlan('bob', 'third')),
    ]);
    expect(appended).toEqual(['first', 'second', 'third']);
  });

  it("does not hold one sender's send behind another's to the same conversation", async () => {
    let calls = 0;
    const { pipeline, appended } = pipelineOf({
      spend: () => new Promise((resolve) => setTimeout(resolve, calls++ === 0 ? 30 : 0)),
    });
    await Promise.all([
      pipeline.execute(sendPlan('bob', 'bob-1')),
      pipeline.execute(sendPlan('alice', 'alice-1')),
    ]);
    expect(appended).toEqual(['alice-1', 'bob-1']);
  });

  it('refuses sends past its bound of unanswered sends with overloaded, appending none of them', async () => {
    // The process's bound (1) is reached before the user's share (2).
    const { pipeline, appended, holdAppends, releaseAppends } = pipelineOf({
      admission: new SendAdmission(1, 2),
    });
    holdAppends();
    const first = pipeline.execute(sendPlan('bob', 'one'));
    await settle();
    await expect(pipeline.execute(sendPlan('bob', 'two', 'g-2'))).rejects.toMatchObject({
      status: 503,
      code: 'overloaded',
      retryAfterMs: 1000,
    });
    releaseAppends();
    await first;
    // The first was answered: there is room again.
    await pipeline.execute(sendPlan('bob', 'three'));
    expect(appended).toEqual(['one', 'three']);
  });

  it("keeps another user's sends accepted while one sender pipelines 3,000 sends", async () => {
    // The process holds 2,000 unanswered sends, 50 per user; the budget is a burst of 40.
    const admission = new SendAdmission(2000, 50);
    const spent = new Map<string, number>();
    const { pipeline, holdAppends, releaseAppends } = pipelineOf({
      admission,
      spend: async (userId) => {
        await settle();
        const count = (spent.get(userId) ?? 0) + 1;
        spent.set(userId, count);
        if (count > 40) {
          throw refuse('rate-limited', 'too many commands', { retryAfterMs: 1000 });
        }
      },
    });
    holdAppends();
    const answer = (sent: Promise<unknown>) =>
      sent.then(
        () => 'accepted',
        (error: { code: string }) => error.code,
      );
    const flood = Array.from({ length: 3000 }, (_, i) =>
      answer(pipeline.execute(sendPlan('mallory', `m${i}`))),
    );
    await settle();
    const hers = Array.from({ length: 20 }, (_, i) =>
      answer(pipeline.execute(sendPlan('alice', `a${i}`))),
    );
    await settle();
    expect(admission.takenBy('mallory')).toBeLessThanOrEqual(50);
    releaseAppends();
    expect(await Promise.all(hers)).toEqual(Array(20).fill('accepted'));
    const mallorys = await Promise.all(flood);
    expect(mallorys.filter((a) => a === 'accepted')).toHaveLength(40);
    expect(new Set(mallorys.filter((a) => a !== 'accepted'))).toEqual(new Set(['rate-limited']));
  });
});
