import { PROJECTIONS } from '../projection-names';
import { ReaderVersions } from './reader-versions';

/** A registry whose readers row says `active` (undefined: no row yet), counting the asks. */
function registry(active: Partial<Record<string, number>>) {
  const query = jest.fn(async (_sql: string, [projection]: [string]) => ({
    rows: active[projection] === undefined ? [] : [{ version: active[projection] }],
  }));
  return { db: { query } as never, query, active };
}

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

it('should ask the registry once per ttl and view, however many reads there are', async () => {
  const { db, query } = registry({ timeline: 2, search: 5 });
  const versions = new ReaderVersions(db, 1000);
  expect(await versions.of(PROJECTIONS.timeline)).toBe(2);
  expect(await versions.of(PROJECTIONS.timeline)).toBe(2);
  expect(await versions.of(PROJECTIONS.search)).toBe(5);
  expect(query).toHaveBeenCalledTimes(2);
});

it('should find a switch once the ttl has passed', async () => {
  const { db, active } = registry({ inbox: 1 });
  const versions = new ReaderVersions(db, 1000);
  expect(await versions.of(PROJECTIONS.inbox)).toBe(1);
  active.inbox = 2;
  jest.setSystemTime(999);
  expect(await versions.of(PROJECTIONS.inbox)).toBe(1);
  jest.setSystemTime(1000);
  expect(await versions.of(PROJECTIONS.inbox)).toBe(2);
});

it('should read version 1 before any version was activated, as the first start activates', async () => {
  const { db } = registry({});
  expect(await new ReaderVersions(db).of(PROJECTIONS.presence)).toBe(1);
});
