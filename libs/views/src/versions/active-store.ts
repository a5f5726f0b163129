import type { ProjectionName } from '../projection-names';
import type { ReaderVersions } from './reader-versions';

/**
 * The store of the version readers use: looked up through ReaderVersions on every call, and
 * built once per version, so a switch makes one new store and a read makes none.
 */
export class ActiveStore<T> {
  private built: { version: number; store: T } | undefined;

  constructor(
    private readonly versions: Pick<ReaderVersions, 'of'>,
    private readonly projection: ProjectionName,
    private readonly build: (version: number) => T,
  ) {}

  async get(): Promise<T> {
    const version = await this.versions.of(this.projection);
    if (this.built?.version !== version) this.built = { version, store: this.build(version) };
    return this.built.store;
  }
}
