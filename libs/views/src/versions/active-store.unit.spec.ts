import { PROJECTIONS } from '../projection-names';
import { ActiveStore } from './active-store';

function storeOfVersions(...answers: number[]) {
  const built: number[] = [];
  const versions = { of: jest.fn(async () => answers.shift()!) };
  const store = new ActiveStore(versions, PROJECTIONS.timeline, (version) => {
    built.push(version);
    return { version };
  });
  return { store, built, versions };
}

it('should build the store of a version once, however many reads use it', async () => {
  const { store, built } = storeOfVersions(3, 3, 3);
  const stores = [await store.get(), await store.get(), await store.get()];
  expect(stores.map((s) => s.version)).toEqual([3, 3, 3]);
  expect(new Set(stores).size).toBe(1);
  expect(built).toEqual([3]);
});

it('should read from the new version as soon as the lookup names it', async () => {
  const { store, built } = storeOfVersions(3, 4, 4);
  expect((await store.get()).version).toBe(3);
  expect((await store.get()).version).toBe(4);
  expect((await store.get()).version).toBe(4);
  expect(built).toEqual([3, 4]);
});

it('should ask the lookup on every read, so a switch is never missed', async () => {
  const { store, versions } = storeOfVersions(1, 1);
  await store.get();
  await store.get();
  expect(versions.of).toHaveBeenCalledTimes(2);
  expect(versions.of).toHaveBeenCalledWith(PROJECTIONS.timeline);
});
