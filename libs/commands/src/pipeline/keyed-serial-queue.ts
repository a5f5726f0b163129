/**
 * Runs tasks one after the other per key, in the order they were given, whatever each one's
 * outcome; tasks of different keys run side by side. A socket's sends to one conversation go
 * through one key, so the log gets them in the order the client sent them.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // `tail` never rejects: forgetting the key cannot fail.
    tail.then(
      () => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      },
      () => undefined,
    );
    return result;
  }

  /** Keys with a task queued or running. */
  get pending(): number {
    return this.tails.size;
  }
}
