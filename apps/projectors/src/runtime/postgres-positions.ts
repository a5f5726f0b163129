import type { PoolClient } from 'pg';
import { positionId, type PositionRef } from './position-ref';

/**
 * BEGIN, then every position row named, created if missing and locked in (key, topic,
 * partition) order, so two transactions locking several never wait on each other in a cycle:
 * one round trip. A batch at low rates is one event, so its round trips are most of its cost;
 * the simple protocol carries several statements, with the values as escaped literals (our own
 * keys, topics and partition numbers, never input). Returns each row's next offset by positionId.
 */
export async function beginAndLockPositions(
  client: PoolClient,
  refs: PositionRef[],
): Promise<Map<string, bigint>> {
  const rows = positionRows(client, refs);
  const results = (await client.query(
    `BEGIN;
     INSERT INTO projection_positions (projection, topic, partition, next_offset)
       VALUES ${rows.map((row) => `(${row}, 0)`).join(', ')} ON CONFLICT DO NOTHING;
     SELECT projection, topic, partition, next_offset FROM projection_positions
       WHERE (projection, topic, partition) IN (${rows.map((row) => `(${row})`).join(', ')})
       ORDER BY projection, topic, partition FOR UPDATE`,
  )) as unknown as Array<{
    rows: Array<{ projection: string; topic: string; partition: number; next_offset: string }>;
  }>;
  const positions = new Map(
    results[2]!.rows.map((r) => [
      positionId({ key: r.projection, topic: r.topic, partition: r.partition }),
      BigInt(r.next_offset),
    ]),
  );
  for (const ref of refs) {
    if (!positions.has(positionId(ref))) throw new Error(`no position row for ${ref.key}`);
  }
  return positions;
}

/** The rows' new positions and COMMIT: one round trip. */
export async function movePositionsAndCommit(
  client: PoolClient,
  moves: Array<PositionRef & { next: bigint }>,
): Promise<void> {
  const rows = positionRows(client, moves).map((row, i) => `(${row}, ${moves[i]!.next}::bigint)`);
  await client.query(
    `UPDATE projection_positions p SET next_offset = v.next_offset, updated_at = now()
       FROM (VALUES ${rows.join(', ')}) AS v(projection, topic, partition, next_offset)
       WHERE p.projection = v.projection AND p.topic = v.topic AND p.partition = v.partition;
     COMMIT`,
  );
}

/** Each ref as `key, topic, partition` literals. */
function positionRows(client: PoolClient, refs: PositionRef[]): string[] {
  if (refs.length === 0) throw new RangeError('no position to lock');
  return refs.map(({ key, topic, partition }) => {
    if (!Number.isSafeInteger(partition)) throw new RangeError(`bad partition ${partition}`);
    return `${client.escapeLiteral(key)}, ${client.escapeLiteral(topic)}, ${partition}`;
  });
}
