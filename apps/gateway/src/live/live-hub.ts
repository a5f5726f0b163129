import type { Redis } from 'ioredis';
import type { Logger } from '@chat/observability';
import {
  LIVE_CHANNELS,
  type PresenceTouched,
  type ProjectedBatch,
  type TypingSignal,
} from '@chat/views';
import type { PresenceWatches } from '../presence/presence-watches';
import type { Session } from '../sessions/session';

/**
 * This gateway's sessions, and the Redis channels that reach them: projected changes, typing
 * and presence. Every gateway instance hears every publication and delivers to the members it
 * holds sockets for, so two instances together deliver to every device.
 */
export class LiveHub {
  private readonly sessions = new Map<string, Set<Session>>();
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    private readonly watches: PresenceWatches,
    private readonly logger: Logger,
    private readonly presenceRefreshMs: number,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) =>
      this.dispatch(channel, message),
    );
    await this.subscriber.subscribe(...Object.values(LIVE_CHANNELS));
    // Expiry has no event: watched users are read (and their watches checked) now and then.
    this.refresher = setInterval(
      () => this.refreshPresence(this.watches.targets()),
      this.presenceRefreshMs,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.refresher);
    await this.subscriber.unsubscribe().catch(() => undefined);
  }

  get connections(): number {
    let n = 0;
    for (const set of this.sessions.values()) n += set.size;
    return n;
  }

  add(session: Session): void {
    const set = this.sessions.get(session.userId) ?? new Set();
    set.add(session);
    this.sessions.set(session.userId, set);
  }

  remove(session: Session): void {
    this.sessions.get(session.userId)?.delete(session);
    if (this.sessions.get(session.userId)?.size === 0) this.sessions.delete(session.userId);
    this.watches.removeSession(session);
  }

  all(): Session[] {
    return [...this.sessions.values()].flatMap((set) => [...set]);
  }

  watch(session: Session, userIds: string[]): void {
    this.watches.watch(session, userIds);
  }

  unwatch(session: Session, userIds: string[]): void {
    this.watches.unwatch(session, userIds);
  }

  async publishTyping(signal: TypingSignal): Promise<void> {
    await this.publisher.publish(LIVE_CHANNELS.typing, JSON.stringify(signal));
  }

  private dispatch(channel: string, message: string): void {
    try {
      const payload: unknown = JSON.parse(message);
      if (channel === LIVE_CHANNELS.projected) this.deliverProjected(payload as ProjectedBatch);
      else if (channel === LIVE_CHANNELS.typing) this.deliverTyping(payload as TypingSignal);
      else if (channel === LIVE_CHANNELS.presence) {
        const users = (payload as PresenceTouched).userIds.filter((id) =>
          this.watches.isWatched(id),
        );
        if (users.length > 0) this.refreshPresence(users);
      }
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'unreadable live message dropped');
    }
  }

  /** Presence of these users pushed to their watchers; a failure waits for the next round. */
  private refreshPresence(userIds: string[]): void {
    this.watches
      .refresh(userIds)
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'presence refresh failed; the next one retries'),
      );
  }

  private deliverProjected(batch: ProjectedBatch): void {
    // Who sees whose presence follows membership: re-check the watches of everyone involved.
    const membershipChanged = batch.segments.some((segment) =>
      segment.changes.some((c) => c.type === 'membership'),
    );
    if (membershipChanged) {
      this.watches
        .membershipChanged(batch.segments.flatMap((s) => s.recipients))
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'presence re-check failed; the next refresh retries'),
        );
    }
    for (const segment of batch.segments) {
      for (const userId of segment.recipients) {
        const sessions = this.sessions.get(userId);
        if (!sessions) continue;
        for (const session of sessions) {
          for (const change of segment.changes) session.deliver(batch.conversationId, change);
        }
      }
    }
  }

  private deliverTyping(signal: TypingSignal): void {
    for (const userId of signal.recipients) {
      for (const session of this.sessions.get(userId) ?? []) {
        if (session.connectionId !== signal.connectionId) {
          session.typing(signal.conversationId, signal.userId);
        }
      }
    }
  }
}
