import { Inject, Injectable } from '@nestjs/common';
import { KeyedSerialQueue } from './keyed-serial-queue';
import { SendAdmission } from './send-admission';

const ignore = () => undefined;

/**
 * The order of one sender's sends to one conversation, in this process: they reach the log in
 * the order they arrived, whatever transport carried them, while sends of other senders (or to
 * other conversations) go side by side. Each send's budget is asked for at once but answered
 * in arrival order; once answered the send takes its place among the unanswered sends (a
 * refused budget takes none) and then waits its turn, so the time it queues counts too.
 */
@Injectable()
export class SendOrder {
  /** Per key: settled once the last send given has taken its place in the queue, or failed to. */
  private readonly entered = new Map<string, Promise<void>>();
  private readonly turns = new KeyedSerialQueue();

  constructor(@Inject(SendAdmission) private readonly admission: SendAdmission) {}

  /**
   * Runs `send` of `userId` in its turn under `key` (sender and conversation), once `spent`
   * (its budget) resolved; rejects with the budget's or the admission's refusal instead.
   */
  run<T>(userId: string, key: string, spent: Promise<void>, send: () => Promise<T>): Promise<T> {
    // Awaited in turn below; until then a refusal must not count as unhandled.
    spent.catch(ignore);
    const previous = this.entered.get(key) ?? Promise.resolve();
    // Taking the place and entering the queue happen in one step, after every earlier send of
    // the key did the same: the queue holds the sends in the order they came.
    const queued = previous
      .then(() => spent)
      .then(() => {
        const release = this.admission.take(userId);
        return { answered: this.turns.run(key, send).finally(release) };
      });
    const settled = queued.then(ignore, ignore);
    this.entered.set(key, settled);
    void settled.then(() => {
      if (this.entered.get(key) === settled) this.entered.delete(key);
    });
    return queued.then(({ answered }) => answered);
  }
}
