import { httpProblem } from '@chat/protocol';
import { Refusal } from '../http/problem';
import { LongPolls } from './long-poll';

const nothingNew = { changes: [] as number[] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('long polls', () => {
  it('reads a held conversation again when it changes, not in a loop while it is quiet', async () => {
    const polls = new LongPolls(4, 10_000);
    let reads = 0;
    let changes: number[] = [];
    const held = polls.poll(
      'alice',
      'g-1',
      async () => {
        reads++;
        return { changes };
      },
      (result) => result.changes.length > 0,
      5000,
    );
    await sleep(300);
    expect(reads).toBe(1); // 300 ms held: one read, where a 100 ms loop made three
    changes = [7];
    polls.changed('g-2'); // another conversation: no read
    await sleep(10);
    expect(reads).toBe(1);
    polls.changed('g-1');
    expect(await held).toEqual({ changes: [7] });
    expect(reads).toBe(2);
    expect(polls.idle).toBe(true);
  });

  it('answers the empty read once the wait is over', async () => {
    const polls = new LongPolls(4, 10_000);
    const started = Date.now();
    expect(
      await polls.poll(
        'alice',
        'g-1',
        async () => nothingNew,
        () => false,
        100,
      ),
    ).toEqual(nothingNew);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('holds at most its bound of polls per user, and refuses one more with 429', async () => {
    const polls = new LongPolls(2, 10_000);
    const hold = (userId: string) =>
      polls.poll(
        userId,
        'g-1',
        async () => nothingNew,
        () => false,
        200,
      );
    const held = [hold('mallory'), hold('mallory')];
    const refused = await hold('mallory').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Refusal);
    const { body, headers } = httpProblem(refused as Refusal);
    expect(body).toMatchObject({ status: 429, code: 'too-many-long-polls' });
    expect(headers).toEqual({ 'Retry-After': '1' });
    // Another user is not affected, and answered polls free their place.
    await expect(hold('alice')).resolves.toEqual(nothingNew);
    await Promise.all(held);
    await expect(hold('mallory')).resolves.toEqual(nothingNew);
  });
});
