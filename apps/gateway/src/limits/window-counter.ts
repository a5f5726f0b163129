/**
 * Counts events in a sliding window: `hit` records one and says whether the window now holds
 * more than the limit. Times come in, so it is pure.
 */
export class WindowCounter {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  hit(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
    this.times.push(now);
    return this.times.length > this.limit;
  }
}
