import { Inject, Injectable } from '@nestjs/common';
import type { VerifiedPrincipal } from '@chat/auth';
import type { Config } from '@chat/config';
import { CONFIG } from '@chat/platform';
import { CLOSE_CODES } from '@chat/protocol';
import { whenExpired } from '../auth/token-expiry';
import { Budgets, type RateRefusal } from '../limits/budgets';
import { SocketLimiter } from '../limits/socket-limiter';
import { LiveHub } from '../live/live-hub';
import { PresenceReporter } from '../presence/presence-reporter';
import type { Transport } from '../transport/transport';
import { Session } from './session';
import { SESSION_DEPS, type SessionDeps } from './session-deps';

/**
 * The sessions of this gateway, over any transport: opened within the user's budgets, registered
 * for live changes, reported as presence, closed at their token's expiry.
 */
@Injectable()
export class SessionRegistry {
  private readonly lastHeartbeat = new Map<Session, number>();
  /** Cancels each open session's close at its token's expiry. */
  private readonly expiries = new Map<Session, () => void>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(SESSION_DEPS) private readonly deps: SessionDeps,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(SocketLimiter) private readonly sockets: SocketLimiter,
    @Inject(Budgets) private readonly budgets: Budgets,
    @Inject(PresenceReporter) private readonly presence: PresenceReporter,
  ) {}

  /**
   * Why this user may not open another connection now, whatever the transport (WebSocket or
   * event stream), or null: each one walks the user's conversations and reports presence.
   */
  connectRefusal(principal: VerifiedPrincipal): RateRefusal | null {
    return this.budgets.connectRefusal(principal.userId);
  }

  /**
   * A session registered for live changes before it resumes, closed when its token expires.
   * Over the user's socket limit it is closed at once and never registered.
   */
  open(principal: VerifiedPrincipal, transport: Transport): Session {
    const session = new Session(principal, transport, this.deps);
    if (!this.sockets.acquire(principal.userId, session.connectionId)) {
      session.close(CLOSE_CODES.tooManySockets, 'too-many-sockets');
      return session;
    }
    this.expiries.set(
      session,
      whenExpired(principal.expiresAt, () =>
        session.close(CLOSE_CODES.unauthorized, 'token-expired'),
      ),
    );
    this.hub.add(session);
    this.lastHeartbeat.set(session, Date.now());
    this.presence.report('Connected', principal.userId, principal.deviceId, session.connectionId);
    return session;
  }

  /** The session's transport is gone. */
  close(session: Session): void {
    session.ended();
    // A session refused at the socket limit was never registered.
    if (!this.sockets.release(session.userId, session.connectionId)) return;
    this.expiries.get(session)?.();
    this.expiries.delete(session);
    this.lastHeartbeat.delete(session);
    this.hub.remove(session);
    this.presence.report(
      'Disconnected',
      session.userId,
      session.principal.deviceId,
      session.connectionId,
    );
  }

  /** The connection is alive: a presence heartbeat, at most one per ping interval. */
  heartbeat(session: Session): void {
    const last = this.lastHeartbeat.get(session);
    if (last === undefined) return; // not (or no longer) an open session
    if (Date.now() - last < this.config.gateway.pingIntervalMs * 0.8) return;
    this.lastHeartbeat.set(session, Date.now());
    const { userId, principal, connectionId } = session;
    this.presence.report('Heartbeat', userId, principal.deviceId, connectionId);
  }

  /** Tells every client to reconnect elsewhere and closes its session. */
  drainAll(): void {
    for (const session of this.hub.all()) session.drain();
  }
}
