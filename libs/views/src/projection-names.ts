/**
 * Projections and how their versions are named. A version lives beside the others in its own
 * tables (a Postgres schema or Cassandra tables with the suffix) with its own consumer group
 * and positions, so a rebuild never touches the live one.
 */
export const PROJECTIONS = {
  inbox: 'inbox',
  timeline: 'timeline',
  presence: 'presence',
  search: 'search',
  /** The notifier's subscriptions, mutes and pending pushes (not read by clients). */
  push: 'push',
} as const;

export type ProjectionName = (typeof PROJECTIONS)[keyof typeof PROJECTIONS];

/** `inbox_v1`: the key of a version's positions and the suffix of its tables. */
export const versionKey = (projection: ProjectionName, version: number) =>
  `${projection}_v${version}`;

/**
 * The consumer group of projection versions that share one consumer (see the projectors'
 * runtime), named by their version keys: `chat.projector.inbox_v1+timeline_v1`. Another set is
 * another group, so a set never inherits offsets that were committed for a different one.
 */
export const projectorGroupOf = (versionKeys: string[]) =>
  `chat.projector.${[...versionKeys].sort().join('+')}`;

/** The group of one projection version consumed alone (a rebuild, a test). */
export const consumerGroupOf = (projection: ProjectionName, version: number) =>
  projectorGroupOf([versionKey(projection, version)]);
