import type { PoolClient } from 'pg';

/** A partition of the log, as a Postgres position row names it. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

/**
 * BEGIN, then the partition's position row of every version key, created if missing and locked
 * in key order (so two transactions locking several never wait on each other in a cycle): one
 * round trip. A batch at low rates is one event, so its round trips are most of its cost; the
 * simple protocol carries several statements, with the values as escaped literals (our own
 * keys, topic and partition number, never input).
 */
export async function beginAndLockPositions(
  client: PoolClient,
  keys: string[],
  at: PartitionRef,
): Promise<Map<string, bigint>> {
  const rows = positionRows(client, keys, at);
  const results = (await client.query(
    `BEGIN;
     INSERT INTO projection_positions (projection, topic, partition, next_offset)
       VALUES ${rows.values} ON CONFLICT DO NOTHING;
     SELECT projection, next_offset FROM projection_positions WHERE ${rows.match}
       ORDER BY projection FOR UPDATE`,
  )) as unknown as Array<{ rows: Array<{ projection: string; next_offset: string }> }>;
  const positions = new Map(results[2]!.rows.map((r) => [r.projection, BigInt(r.next_offset)]));
  for (const key of keys) {
    if (!positions.has(key)) throw new Error(`no position row for ${key} after its insert`);
  }
  return positions;
}

/** The keys' new position on the partition and COMMIT: one round trip. */
export async function movePositionsAndCommit(
  client: PoolClient,
  keys: string[],
  at: PartitionRef,
  next: bigint,
): Promise<void> {
  await client.query(
    `UPDATE projection_positions SET next_offset = ${next.toString()}, updated_at = now()
       WHERE ${positionRows(client, keys, at).match};
     COMMIT`,
  );
}

function positionRows(client: PoolClient, keys: string[], at: PartitionRef) {
  if (!Number.isSafeInteger(at.partition)) throw new RangeError(`bad partition ${at.partition}`);
  if (keys.length === 0) throw new RangeError('no position to lock');
  const [topic, partition] = [client.escapeLiteral(at.topic), at.partition];
  const literals = keys.map((key) => client.escapeLiteral(key));
  return {
    values: literals.map((k) => `(${k}, ${topic}, ${partition}, 0)`).join(', '),
    match: `topic = ${topic} AND partition = ${partition} AND projection IN (${literals.join(', ')})`,
  };
}
