import type { Logger } from '@chat/observability';
import type { ActivePresenceAudience, ChatQueries } from '@chat/views';
import type { Session } from '../sessions/session';

/** Pairs checked in one query; more are checked in several. */
const PAIRS_PER_CHECK = 5000;

/**
 * Who watches whose presence on this gateway. A watch is allowed when it is made
 * (`ChatQueries.presence`) and checked again every time presence is pushed and whenever the
 * membership of the viewer or the target changes: a watch the rule (PresenceAudience) no longer
 * allows is dropped and its session told (`presence.revoked`); it never gets another frame.
 */
export class PresenceWatches {
  private readonly watchers = new Map<string, Set<Session>>();

  constructor(
    private readonly queries: ChatQueries,
    private readonly audience: ActivePresenceAudience,
    private readonly logger: Logger,
  ) {}

  /**
   * A closed session watches nothing: a subscribe answered after its socket closed (the close
   * already removed the session's watches) would otherwise stay here for good.
   */
  watch(session: Session, userIds: string[]): void {
    if (!session.isOpen) return;
    for (const userId of userIds) {
      const set = this.watchers.get(userId) ?? new Set();
      set.add(session);
      this.watchers.set(userId, set);
    }
  }

  unwatch(session: Session, userIds: string[]): void {
    for (const userId of userIds) {
      this.watchers.get(userId)?.delete(session);
      if (this.watchers.get(userId)?.size === 0) this.watchers.delete(userId);
    }
  }

  removeSession(session: Session): void {
    for (const [userId, set] of this.watchers) {
      set.delete(session);
      if (set.size === 0) this.watchers.delete(userId);
    }
  }

  /** Every watched user. */
  targets(): string[] {
    return [...this.watchers.keys()];
  }

  isWatched(userId: string): boolean {
    return this.watchers.has(userId);
  }

  /** Membership changed for these users: re-check every watch they take part in, either side. */
  async membershipChanged(userIds: Iterable<string>): Promise<void> {
    const changed = new Set(userIds);
    const targets = [...this.watchers]
      .filter(
        ([target, sessions]) =>
          changed.has(target) || [...sessions].some((session) => changed.has(session.userId)),
      )
      .map(([target]) => target);
    await this.refresh(targets);
  }

  /**
   * Pushes the presence of these users to the sessions watching them that may still see them,
   * and drops the watches that may not.
   */
  async refresh(targets: string[]): Promise<void> {
    if (targets.length === 0) return;
    try {
      const watches = targets.flatMap((target) =>
        [...(this.watchers.get(target) ?? [])].map((session) => ({ session, target })),
      );
      const allowed = await this.allowedOf(watches.map((w) => [w.session.userId, w.target]));
      const revoked = new Map<Session, string[]>();
      const shown: typeof watches = [];
      for (const watch of watches) {
        if (allowed.has(`${watch.session.userId}\u0000${watch.target}`)) shown.push(watch);
        else revoked.set(watch.session, [...(revoked.get(watch.session) ?? []), watch.target]);
      }
      for (const [session, userIds] of revoked) {
        this.unwatch(session, userIds);
        session.presenceRevoked(userIds);
      }
      const facts = await this.queries.presenceFactsOf([...new Set(shown.map((w) => w.target))]);
      for (const { session, target } of shown) {
        // Unsubscribed or revoked while this refresh was reading: nothing more to show.
        if (!this.watchers.get(target)?.has(session)) continue;
        session.presence(this.queries.presenceSeenBy(session.userId, target, facts.get(target)!));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'presence refresh failed; next one retries');
    }
  }

  private async allowedOf(pairs: Array<[string, string]>): Promise<Set<string>> {
    const unique = [...new Map(pairs.map((p) => [`${p[0]}\u0000${p[1]}`, p] as const)).values()];
    const allowed = new Set<string>();
    for (let i = 0; i < unique.length; i += PAIRS_PER_CHECK) {
      const chunk = unique.slice(i, i + PAIRS_PER_CHECK);
      const visible = await (await this.audience.get()).visible(chunk);
      for (const [viewer, target] of chunk) {
        if (visible.has(viewer, target)) allowed.add(`${viewer}\u0000${target}`);
      }
    }
    return allowed;
  }
}
