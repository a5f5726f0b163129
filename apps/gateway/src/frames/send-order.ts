import { KeyedSerialQueue } from '../limits/keyed-serial-queue';

/** The order one connection's sends are taken in: the order they came. */
export class SendOrder {
  /** Sends to one conversation are handled one after the other, in the order they came. */
  readonly perConversation = new KeyedSerialQueue();
  /** The budget of each send, spent at once, taken in the order the sends came. */
  private spentInOrder: Promise<unknown> = Promise.resolve();

  /** The budget asked for, answered only after those of the sends that came before it. */
  inArrivalOrder<T>(asked: Promise<T>): Promise<T> {
    const spent = this.spentInOrder.then(() => asked);
    this.spentInOrder = spent.catch(() => undefined);
    return spent;
  }
}
