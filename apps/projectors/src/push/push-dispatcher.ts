import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import type { Config } from '@chat/config';
import {
  collapseTopicOf,
  pushPayload,
  pushVerdict,
  removePushSubscription,
  PUSH_REMOVAL_REASONS,
  type PushVerdict,
} from '@chat/domain';
import { TOPICS, type ChatEvent } from '@chat/events';
import type { Logger } from '@chat/observability';
import {
  deviceOfMember,
  inboxSchemaOf,
  PROJECTIONS,
  PUSH_LEDGER_TABLE,
  postgresPositionsOf,
  presenceKeysOf,
  pushSchemaOf,
  readerVersion,
  versionKey,
} from '@chat/views';
import { pushMetrics } from './push-metrics';
import type { PushProvider } from './push-provider';
import { createPushSender, type PushJob, type PushResult } from './push-sender';

export interface PushDispatcherOptions {
  pool: Pool;
  /** Reads the presence view. */
  redis: Redis;
  /** Appends PushSubscriptionRemoved when a push service says a subscription is gone. */
  log: { append(events: ChatEvent[]): Promise<void> };
  provider: PushProvider;
  /** The push projection version whose pending rows and subscriptions this works off. */
  version: number;
  settings: Config['push'];
  logger: Logger;
  /** How often to look for due messages. */
  pollMs?: number;
  /** Messages decided per transaction. */
  batchSize?: number;
}

/** A pending row, as the dispatcher reads it. */
interface Due {
  conversation_id: string;
  message_id: string;
  sender_id: string;
  partition: number;
  offset: string;
  sent_at_ms: string;
  preview: string | null;
  /** The offset of the author's edit the preview is from; null while it is as sent. */
  preview_offset: string | null;
}

/** A subscribed device of a recipient of a judged message, with its facts from the views. */
interface RecipientDevice {
  conversation_id: string;
  message_id: string;
  seq: number;
  user_id: string;
  device_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  muted: boolean;
  delivered_seq: number;
  badge: number;
}

/** How often the ledger forgets decisions no replay can ask about again. */
const PRUNE_EVERY_MS = 60_000;
/** Over the maximum age: room for clocks of the command API and Postgres to differ. */
const PRUNE_MARGIN_MS = 3600_000;

/** Push services keep a push this long for an unreachable device; later it is not news. */
const TTL_SECONDS = 24 * 3600;

/**
 * The notifier's loop: takes messages that are due (sent at + window) from its version's
 * pending rows (FOR UPDATE SKIP LOCKED, so every projector instance takes its own share),
 * and once the inbox has judged each one (its position passed the send's offset) decides per
 * recipient device with the pure `pushVerdict`, over the inbox (membership, seq, delivered
 * seq per device, unread for the badge), the presence view and its own mutes.
 *
 * Sent once: every decision is claimed in the shared ledger, keyed by (message, device),
 * with INSERT ... ON CONFLICT DO NOTHING in the same transaction that deletes the pending
 * rows. Only a claim this transaction made is sent, and only after it committed. A crash
 * before the commit leaves no claim (the rows come back; nothing was sent); a crash after it
 * leaves claims that are never sent again: at most once per (message, device), and a rebuild
 * or a second version finds the same ledger.
 */
export function createPushDispatcher(options: PushDispatcherOptions) {
  const { pool, redis, settings, logger } = options;
  const schema = pushSchemaOf(options.version);
  const pollMs = options.pollMs ?? 200;
  const batchSize = options.batchSize ?? 100;
  // Pushes claimed but not sent yet, at most: about a second of sending. A kill -9 loses
  // these (never sends them twice), so the bound is what a crash can cost.
  const highWater = Math.max(10, Math.ceil(settings.ratePerSecond));
  const reportedGone = new Set<string>();
  const sender = createPushSender({
    provider: options.provider,
    ratePerSecond: settings.ratePerSecond,
    maxAttempts: settings.maxAttempts,
    retryBaseMs: settings.retryBaseMs,
    policy: settings,
    logger,
    settle,
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function settle(job: PushJob, result: PushResult) {
    pushMetrics.pushes.inc({ outcome: result.outcome });
    if (result.outcome === 'sent') {
      pushMetrics.decisionSeconds.observe(Math.max(0, Date.now() - job.dueAt) / 1000);
    }
    if (result.outcome === 'gone') await reportGone(job);
    const { conversationId, messageId, userId, deviceId } = job.key;
    await pool.query(
      `UPDATE ${PUSH_LEDGER_TABLE}
       SET outcome = $5, attempts = $6, detail = $7, finished_at = now()
       WHERE conversation_id = $1 AND message_id = $2 AND device_user_id = $3 AND device_id = $4`,
      [conversationId, messageId, userId, deviceId, result.outcome, result.attempts, result.detail],
    );
  }

  /** State changes only through the log: the projection removes the row when this lands. */
  async function reportGone(job: PushJob) {
    const { userId, deviceId, endpoint } = job.subscription;
    if (reportedGone.has(endpoint)) return;
    reportedGone.add(endpoint);
    const event = removePushSubscription(
      { userId, deviceId, endpoint },
      PUSH_REMOVAL_REASONS.gone,
      {
        actor: { userId, deviceId },
        now: Date.now(),
        correlationId: randomUUID(),
        newEventId: randomUUID,
      },
    );
    await options.log.append([event]).catch((error: unknown) => {
      reportedGone.delete(endpoint); // the next push to it reports again
      logger.warn({ err: error, userId, deviceId }, 'could not record a gone subscription');
    });
  }

  /** One transaction: due rows in, decisions claimed, pending rows out. Returns the sends. */
  async function decideDue(
    now: number,
    room: number,
  ): Promise<{ decided: number; more: boolean; jobs: PushJob[] }> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Too old for anyone (a backlog after an outage, a rebuild's history): gone unread.
      const { rowCount: stale } = await client.query(
        `DELETE FROM ${schema}.pending WHERE sent_at < to_timestamp($1 / 1000.0)`,
        [now - settings.maxAgeMs],
      );
      pushMetrics.pushes.inc({ outcome: 'skipped_stale' }, stale ?? 0);
      const { rows: due } = await client.query<Due>(
        `SELECT conversation_id, message_id, sender_id, partition, "offset", preview, preview_offset,
                (extract(epoch FROM sent_at) * 1000)::bigint AS sent_at_ms
         FROM ${schema}.pending
         WHERE sent_at <= to_timestamp($1 / 1000.0)
         ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now - settings.windowMs, batchSize],
      );
      if (due.length === 0) {
        await client.query('COMMIT');
        return { decided: 0, more: false, jobs: [] };
      }
      const judged = await judgedByInbox(client, due);
      const devices = await recipientDevices(client, judged);
      const alive = await lastAlive(client, devices);
      const byMessage = new Map(judged.map((row) => [messageKey(row), row]));
      const verdicts = devices.map((device) => {
        const message = byMessage.get(messageKey(device))!;
        const verdict = pushVerdict(
          { seq: device.seq, sentAt: Number(message.sent_at_ms) },
          {
            muted: device.muted,
            deliveredSeq: device.delivered_seq,
            lastAliveAt: alive.get(deviceKey(device)) ?? null,
          },
          { now, maxAgeMs: settings.maxAgeMs },
        );
        return { device, verdict };
      });
      // Skips are claimed at once; pushes only as many as the sender has room for. A message
      // with more keeps its pending row, and its undecided devices come up again next round
      // (a group of 1,000 is claimed a second's worth at a time).
      const pushes = verdicts.filter((v) => v.verdict === 'push');
      const deferred = new Set(pushes.slice(room).map((v) => messageKey(v.device)));
      const decided = [...verdicts.filter((v) => v.verdict !== 'push'), ...pushes.slice(0, room)];
      const claimed = await claim(client, decided);
      const done = judged.filter((row) => !deferred.has(messageKey(row)));
      await client.query(
        `DELETE FROM ${schema}.pending p USING unnest($1::text[], $2::text[]) AS d(c, m)
         WHERE p.conversation_id = d.c AND p.message_id = d.m`,
        [done.map((row) => row.conversation_id), done.map((row) => row.message_id)],
      );
      await client.query('COMMIT');
      const jobs: PushJob[] = [];
      for (const { device, verdict } of decided) {
        if (!claimed.has(ledgerKey(device))) continue; // decided before: by us or a rebuild
        if (verdict !== 'push') {
          pushMetrics.pushes.inc({ outcome: verdict });
          continue;
        }
        const message = byMessage.get(messageKey(device))!;
        jobs.push(jobFor(device, message));
      }
      return { decided: done.length, more: deferred.size > 0 || due.length === batchSize, jobs };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The rows the inbox has judged: its position on the send's partition is past the send, and
   * past the edit the preview is from. Until then whether it counts, and its seq, are unknown
   * here, and the row waits. A preview from an edit the inbox refused (the rules decide, not
   * this view) is dropped: the push then says only that there is a new message.
   */
  async function judgedByInbox(db: PoolClient, due: Due[]): Promise<Due[]> {
    const version = await readerVersion(db, PROJECTIONS.inbox);
    if (version === undefined) return [];
    const next = await postgresPositionsOf(
      db,
      versionKey(PROJECTIONS.inbox, version),
      TOPICS.conversations,
    );
    // This version must have seen all the inbox has judged, or an edit could be missing from
    // the preview (one consumer applies both in one transaction, so normally it has).
    const seen = await postgresPositionsOf(
      db,
      versionKey(PROJECTIONS.push, options.version),
      TOPICS.conversations,
    );
    const last = (row: Due) => BigInt(row.preview_offset ?? row.offset);
    const judged = due.filter((row) => {
      const inbox = next.get(row.partition) ?? 0n;
      return inbox > last(row) && (seen.get(row.partition) ?? 0n) >= inbox;
    });
    const edited = judged.filter((row) => row.preview_offset !== null);
    if (edited.length === 0) return judged;
    const { rows: refused } = await db.query<{ partition: number; offset: string }>(
      `SELECT i.partition, i."offset"::text AS offset
       FROM ${inboxSchemaOf(version)}.ignored_events i
       JOIN unnest($2::int[], $3::bigint[]) AS e(p, o) ON i.partition = e.p AND i."offset" = e.o
       WHERE i.topic = $1`,
      [
        TOPICS.conversations,
        edited.map((row) => row.partition),
        edited.map((row) => row.preview_offset),
      ],
    );
    const isRefused = new Set(refused.map((r) => `${r.partition}/${r.offset}`));
    return judged.map((row) =>
      row.preview_offset !== null && isRefused.has(`${row.partition}/${row.preview_offset}`)
        ? { ...row, preview: null }
        : row,
    );
  }

  /**
   * Every subscribed device not decided yet of every member who could see the message (joined
   * at or before its seq), but the sender's; nothing for a message the ledger ignored (not in
   * the inbox) or that was deleted for everyone before it was due.
   */
  async function recipientDevices(db: PoolClient, messages: Due[]): Promise<RecipientDevice[]> {
    if (messages.length === 0) return [];
    // The version readers use, read in this transaction like judgedByInbox's.
    const inbox = inboxSchemaOf((await readerVersion(db, PROJECTIONS.inbox)) ?? 1);
    const { rows } = await db.query<RecipientDevice>(
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[]) AS w(conversation_id, message_id)
       ), recipients AS (
         SELECT m.conversation_id, m.message_id, m.seq::int AS seq, mem.user_id
         FROM wanted w
         JOIN ${inbox}.messages m
           ON m.conversation_id = w.conversation_id AND m.message_id = w.message_id
         JOIN ${inbox}.memberships mem
           ON mem.conversation_id = m.conversation_id AND mem.user_id <> m.sender_id
          AND mem.joined_seq <= m.seq
         WHERE NOT m.deleted
       ), badges AS (
         SELECT mem.user_id, sum(greatest(c.last_seq - mem.read_seq, 0))::int AS badge
         FROM ${inbox}.memberships mem
         JOIN ${inbox}.conversations c ON c.conversation_id = mem.conversation_id
         WHERE mem.user_id IN (SELECT r.user_id FROM recipients r
                               JOIN ${schema}.subscriptions s ON s.user_id = r.user_id)
         GROUP BY mem.user_id
       )
       SELECT r.conversation_id, r.message_id, r.seq, r.user_id, s.device_id, s.endpoint,
              s.p256dh, s.auth, (mu.user_id IS NOT NULL) AS muted,
              coalesce(dd.delivered_seq, 0)::int AS delivered_seq, coalesce(b.badge, 0) AS badge
       FROM recipients r
       JOIN ${schema}.subscriptions s ON s.user_id = r.user_id
       LEFT JOIN ${PUSH_LEDGER_TABLE} l
         ON l.conversation_id = r.conversation_id AND l.message_id = r.message_id
        AND l.device_user_id = r.user_id AND l.device_id = s.device_id
       LEFT JOIN ${schema}.mutes mu
         ON mu.user_id = r.user_id AND mu.conversation_id = r.conversation_id
       LEFT JOIN ${inbox}.device_deliveries dd
         ON dd.conversation_id = r.conversation_id AND dd.user_id = r.user_id
        AND dd.device_id = s.device_id
       LEFT JOIN badges b ON b.user_id = r.user_id
       WHERE l.device_id IS NULL`,
      [messages.map((m) => m.conversation_id), messages.map((m) => m.message_id)],
    );
    return rows;
  }

  /** Each device's newest sign of life in the presence view readers use, if connected. */
  async function lastAlive(db: PoolClient, devices: RecipientDevice[]) {
    const alive = new Map<string, number>();
    const version = await readerVersion(db, PROJECTIONS.presence);
    if (version === undefined || devices.length === 0) return alive;
    const keys = presenceKeysOf(version);
    // The set holds connections: a device is alive as of its newest connection.
    const users = [...new Set(devices.map((device) => device.user_id))];
    const pipeline = redis.pipeline();
    for (const user of users) pipeline.zrange(keys.devices(user), '0', '-1', 'WITHSCORES');
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([error, membersAndScores], i) => {
      if (error) throw error;
      const flat = membersAndScores as string[];
      for (let j = 0; j < flat.length; j += 2) {
        const key = deviceKey({ user_id: users[i]!, device_id: deviceOfMember(flat[j]!) });
        alive.set(key, Math.max(alive.get(key) ?? 0, Number(flat[j + 1])));
      }
    });
    return alive;
  }

  /** Claims each decision in the ledger; returns those this transaction claimed first. */
  async function claim(
    db: PoolClient,
    verdicts: Array<{ device: RecipientDevice; verdict: PushVerdict }>,
  ): Promise<Set<string>> {
    if (verdicts.length === 0) return new Set();
    const column = (pick: (d: RecipientDevice) => string) => verdicts.map((v) => pick(v.device));
    const { rows } = await db.query<{ c: string; m: string; u: string; d: string }>(
      `INSERT INTO ${PUSH_LEDGER_TABLE}
         (conversation_id, message_id, device_user_id, device_id, outcome)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT DO NOTHING
       RETURNING conversation_id AS c, message_id AS m, device_user_id AS u, device_id AS d`,
      [
        column((d) => d.conversation_id),
        column((d) => d.message_id),
        column((d) => d.user_id),
        column((d) => d.device_id),
        verdicts.map((v) => (v.verdict === 'push' ? 'claimed' : v.verdict)),
      ],
    );
    return new Set(
      rows.map((r) =>
        ledgerKey({ conversation_id: r.c, message_id: r.m, user_id: r.u, device_id: r.d }),
      ),
    );
  }

  function jobFor(device: RecipientDevice, message: Due): PushJob {
    const payload = pushPayload(
      {
        conversationId: device.conversation_id,
        seq: device.seq,
        senderId: message.sender_id,
        preview: message.preview,
      },
      device.badge,
    );
    return {
      key: {
        conversationId: device.conversation_id,
        messageId: device.message_id,
        userId: device.user_id,
        deviceId: device.device_id,
      },
      subscription: {
        userId: device.user_id,
        deviceId: device.device_id,
        endpoint: device.endpoint,
        p256dh: device.p256dh,
        auth: device.auth,
      },
      payload: JSON.stringify(payload),
      options: {
        topic: collapseTopicOf(device.conversation_id),
        urgency: 'high',
        ttlSeconds: TTL_SECONDS,
      },
      dueAt: Number(message.sent_at_ms) + settings.windowMs,
    };
  }

  /**
   * A decision older than the maximum age (and a margin) is about a message no replay or
   * rebuild will push again: its pending row would be stale. So the ledger keeps no more
   * than that, and stays small however long the log grows.
   */
  let prunedAt = 0;
  async function prune(now: number) {
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    await pool.query(
      `DELETE FROM ${PUSH_LEDGER_TABLE} WHERE decided_at < now() - $1 * interval '1 millisecond'`,
      [settings.maxAgeMs + PRUNE_MARGIN_MS],
    );
  }

  /** Decides every due message it can (while the send queue has room), then hands over. */
  async function tick(): Promise<number> {
    await prune(Date.now());
    let decided = 0;
    while (!stopped) {
      const room = highWater - sender.backlog;
      if (room <= 0) break;
      const round = await decideDue(Date.now(), room);
      sender.enqueue(round.jobs);
      decided += round.decided;
      // Nothing moved (every due message still waits for the inbox): wait for the next poll.
      if (!round.more || (round.decided === 0 && round.jobs.length === 0)) break;
    }
    return decided;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .then(() => undefined)
        .catch((error: unknown) => logger.warn({ err: error }, 'push dispatch failed; retrying'))
        .finally(schedule);
    }, pollMs);
  }

  return {
    start() {
      schedule();
    },
    /** One pass now (tests and the benchmark drive it directly). */
    tick,
    get backlog() {
      return sender.backlog;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await sender.drain();
    },
  };
}

export type PushDispatcher = ReturnType<typeof createPushDispatcher>;

const messageKey = (m: { conversation_id: string; message_id: string }) =>
  `${m.conversation_id}\u0000${m.message_id}`;
const deviceKey = (d: { user_id: string; device_id: string }) => `${d.user_id}\u0000${d.device_id}`;
const ledgerKey = (d: {
  conversation_id: string;
  message_id: string;
  user_id: string;
  device_id: string;
}) => [d.conversation_id, d.message_id, d.user_id, d.device_id].join('\u0000');
