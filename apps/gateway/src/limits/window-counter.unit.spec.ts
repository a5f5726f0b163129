import { WindowCounter } from './window-counter';

it('says when a window holds more than the limit, and forgets what slid out of it', () => {
  const counter = new WindowCounter(2, 1000);
  expect([counter.hit(0), counter.hit(10), counter.hit(20)]).toEqual([false, false, true]);
  // At 1,010 the hits at 0 and 10 are a full window old.
  expect(counter.hit(1010)).toBe(false);
  expect(counter.hit(1011)).toBe(true);
});
