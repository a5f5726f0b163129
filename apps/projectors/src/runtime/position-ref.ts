/** One version's position on one partition of the log. */
export interface PositionRef {
  /** The version key, `inbox_v1`. */
  key: string;
  topic: string;
  partition: number;
}

/** Identifies a position in a map. */
export const positionId = (ref: PositionRef) =>
  `${ref.key}\u0000${ref.topic}\u0000${ref.partition}`;
