import { loadConfig } from '@chat/config';
import { createPgPool } from '@chat/storage';
import {
  PROJECTIONS,
  SEARCH_CONFIG,
  SearchQueries,
  SearchStore,
  searchSchemaOf,
  viewVersions,
} from '@chat/views';
import { INDEXED_CHARACTERS } from '../apps/projectors/src/search/search-writer';

/**
 * Search latency over a large index: a search version of its own, filled in the projection's
 * table layout by SQL (N messages over N/100 conversations, bodies of 8 to 16 words from a
 * 5,000-word vocabulary, the document made with the projection's configuration), then timed
 * queries through SearchQueries as the reads run them, for a user in 200 conversations.
 *
 * Usage: npm run bench:search -- [messages=1000000] [queries=300]
 */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  const messages = Number(process.argv[2] ?? 1_000_000);
  const queryCount = Number(process.argv[3] ?? 300);
  const pool = createPgPool(loadConfig(), { max: 4 });
  const version = 900000 + Math.floor(Math.random() * 90000);
  const schema = searchSchemaOf(version);
  const conversations = Math.max(1, Math.floor(messages / 100));
  try {
    await viewVersions(PROJECTIONS.search, { pool }).create(version);
    const started = Date.now();
    await pool.query(`DROP INDEX ${schema}.messages_document`);
    await pool.query(
      `INSERT INTO ${schema}.messages (conversation_id, message_id, seq, sender_id,
         client_message_id, sent_at, body, document)
       SELECT 'c' || (i % $2), 'm' || i, i / $2 + 2, 'u' || (i % 50), 'k' || i,
              timestamptz '2026-01-01' + i * interval '1 second', body,
              to_tsvector('${SEARCH_CONFIG}', left(body, ${INDEXED_CHARACTERS}))
         FROM (SELECT i, (SELECT string_agg('w' || floor(pow(random(), 2) * 5000)::int, ' ')
                            FROM generate_series(1, 8 + (i % 9)) WHERE i >= 0) AS body
                 FROM generate_series(1, $1) AS i) AS generated`,
      [messages, conversations],
    );
    const filled = (Date.now() - started) / 1000;
    const indexStarted = Date.now();
    await pool.query(
      `CREATE INDEX messages_document ON ${schema}.messages USING gin (document)
       WHERE document IS NOT NULL`,
    );
    await pool.query(
      `INSERT INTO ${schema}.member_spans (conversation_id, user_id, joined_seq)
       SELECT 'c' || c, 'bench-user', 1 FROM generate_series(0, 199) AS c`,
    );
    await pool.query(`ANALYZE ${schema}.messages`);
    await pool.query(`ANALYZE ${schema}.member_spans`);
    const indexed = (Date.now() - indexStarted) / 1000;
    console.log(
      `filled ${messages} messages in ${filled.toFixed(1)} s, indexed in ${indexed.toFixed(1)} s`,
    );

    const queries = new SearchQueries(async () => new SearchStore(pool, searchSchemaOf(version)));
    const shapes: Array<[string, () => Promise<unknown>]> = [
      ['common word, all conversations', () => queries.search('bench-user', 'w1')],
      ['rare word, all conversations', () => queries.search('bench-user', `w${4000 + rnd(999)}`)],
      [
        'two words, all conversations',
        () => queries.search('bench-user', `w${rnd(50)} w${rnd(500)}`),
      ],
      [
        'phrase or word, one conversation',
        () =>
          queries.search('bench-user', `"w${rnd(30)} w${rnd(30)}" or w${rnd(100)}`, {
            conversationId: `c${rnd(200)}`,
          }),
      ],
      [
        'word, by sender and date range',
        () =>
          queries.search('bench-user', `w${rnd(100)}`, {
            senderId: `u${rnd(50)}`,
            from: '2026-01-02T00:00:00Z',
            to: '2026-01-09T00:00:00Z',
          }),
      ],
    ];
    for (const [name, run] of shapes) {
      for (let i = 0; i < 10; i++) await run(); // warm
      const times: number[] = [];
      for (let i = 0; i < queryCount; i++) {
        const t = process.hrtime.bigint();
        await run();
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${name}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
      );
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.query('DELETE FROM projection_versions WHERE projection = $1 AND version = $2', [
      'search',
      version,
    ]);
    await pool.end();
  }
}

const rnd = (n: number) => Math.floor(Math.random() * n);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
