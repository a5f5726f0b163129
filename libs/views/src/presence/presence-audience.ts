import type { Pool } from 'pg';
import type { Queryable } from '../inbox/inbox-store';
import { inboxSchemaOf } from '../inbox/inbox-tables';
import { PROJECTIONS } from '../projection-names';
import { ActiveStore } from '../versions/active-store';
import { ReaderVersions } from '../versions/reader-versions';

/**
 * Who may see whose presence (online, last seen) and typing, read from the inbox at the moment
 * of asking, so a removal or a departure takes effect on the next check.
 *
 * The rule: a viewer sees a target when both are members of a conversation the target took
 * part in: the target created it or sent in it (`engaged`), or was added to a group by someone
 * who shares a conversation the target took part in. Opening a direct conversation with
 * someone, or adding them to a group, shows nothing of them until they answer. Everyone sees
 * themselves.
 *
 * Reads one inbox version's schema; `activePresenceAudience` follows the version readers use.
 */
export class PresenceAudience {
  constructor(
    private readonly db: Queryable,
    private readonly schema: string,
  ) {}

  /** Of the [viewer, target] pairs, those where the viewer may see the target now. */
  async visible(pairs: ReadonlyArray<readonly [string, string]>): Promise<VisiblePairs> {
    if (pairs.length === 0) return new VisiblePairs([]);
    const { schema } = this;
    const { rows } = await this.db.query<{ viewer_id: string; target_id: string }>(
      `SELECT DISTINCT p.viewer_id, p.target_id
         FROM unnest($1::text[], $2::text[]) AS p(viewer_id, target_id)
        WHERE ${sees(schema, 'p.viewer_id', 'p.target_id')}`,
      [pairs.map(([viewer]) => viewer), pairs.map(([, target]) => target)],
    );
    return new VisiblePairs(rows.map((row) => [row.viewer_id, row.target_id] as const));
  }

  /**
   * The members of a conversation, other than the typist, who may see the typist; null when
   * the typist is not a member.
   */
  async typingAudience(typistId: string, conversationId: string): Promise<string[] | null> {
    const { schema } = this;
    const { rows } = await this.db.query<{ user_id: string; visible: boolean }>(
      `SELECT v.user_id, ${sees(schema, 'v.user_id', '$2')} AS visible
         FROM ${schema}.memberships me
         JOIN ${schema}.memberships v USING (conversation_id)
        WHERE me.conversation_id = $1 AND me.user_id = $2`,
      [conversationId, typistId],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.visible && row.user_id !== typistId).map((row) => row.user_id);
  }
}

/** A set of [viewer, target] pairs. */
export class VisiblePairs {
  private readonly keys: Set<string>;

  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    this.keys = new Set(pairs.map(([viewer, target]) => `${viewer}\u0000${target}`));
  }

  has(viewer: string, target: string): boolean {
    return this.keys.has(`${viewer}\u0000${target}`);
  }
}

/** The rule as a SQL condition on two user id expressions, over one inbox schema. */
function sees(schema: string, viewer: string, target: string): string {
  const m = `${schema}.memberships`;
  return `(${viewer} = ${target} OR EXISTS (
    SELECT 1 FROM ${m} t JOIN ${m} v
        ON v.conversation_id = t.conversation_id AND v.user_id = ${viewer}
     WHERE t.user_id = ${target}
       AND (t.engaged OR (t.added_by IS NOT NULL AND EXISTS (
             SELECT 1 FROM ${m} t2 JOIN ${m} a
                 ON a.conversation_id = t2.conversation_id AND a.user_id = t.added_by
              WHERE t2.user_id = ${target} AND t2.engaged)))))`;
}

/** The PresenceAudience of the inbox version readers use, looked up when asked. */
export type ActivePresenceAudience = Pick<ActiveStore<PresenceAudience>, 'get'>;

export const activePresenceAudience = (pool: Pool): ActivePresenceAudience =>
  new ActiveStore(
    new ReaderVersions(pool),
    PROJECTIONS.inbox,
    (version) => new PresenceAudience(pool, inboxSchemaOf(version)),
  );
