import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createTokenVerifier, type TokenVerifier, type VerifiedPrincipal } from '@chat/auth';
import type { Config } from '@chat/config';
import { createCommandHandling, type EventLog } from '@chat/commands';
import { createEventAppender, createEventCodec, createKafka } from '@chat/events';
import type { Logger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis, ObjectStore } from '@chat/storage';
import { CLOSE_CODES } from '@chat/protocol';
import { ChatQueries, PresenceAudience } from '@chat/views';
import { whenExpired } from './auth/token-expiry';
import { Budgets, type RateRefusal } from './limits/budgets';
import { SocketLimiter } from './limits/socket-limiter';
import { TypingThrottle } from './limits/typing-throttle';
import { LiveHub } from './live/live-hub';
import { PresenceReporter } from './presence/presence-reporter';
import { PresenceWatches } from './presence/presence-watches';
import { TypingRelay } from './presence/typing-relay';
import { Session } from './sessions/session';
import type { SessionDeps } from './sessions/session-deps';
import type { Transport } from './transport/transport';
import { WsEndpoint, type AcceptedSocket } from './transport/ws-endpoint';

/**
 * The gateway on an HTTP server: WebSocket sessions fed by the projections, commands handled
 * in this process by the command API's own handling (libs/commands), presence reported to the
 * log. `drain` is the graceful end of a deploy.
 */
export class Gateway {
  readonly gatewayId = `gateway-${randomUUID().slice(0, 8)}`;
  private readonly pool;
  private readonly cassandra;
  private readonly redis;
  private readonly subscriber;
  /** Media on messages: sends' uploads checked, download URLs signed, as the command API. */
  private readonly objects: ObjectStore;
  private readonly hub: LiveHub;
  private readonly endpoint: WsEndpoint;
  private readonly presence: PresenceReporter;
  private readonly appender;
  private readonly log: EventLog;
  private readonly deps: SessionDeps;
  /** Checks bearer tokens for every transport: WebSocket upgrades and event streams. */
  readonly verifier: TokenVerifier;
  private readonly lastHeartbeat = new Map<Session, number>();
  private readonly sockets: SocketLimiter;
  /** Per-user budgets of frames and connections on this process (see limits/budgets). */
  private readonly budgets: Budgets;
  /** Cancels each open session's close at its token's expiry. */
  private readonly expiries = new Map<Session, () => void>();

  constructor(
    private readonly config: Config,
    server: Server,
    private readonly logger: Logger,
  ) {
    this.verifier = createTokenVerifier(config.auth);
    this.pool = createPgPool(config, { max: 10, logger });
    this.cassandra = createCassandraClient(config, { logger });
    this.redis = createRedis(config, { autoPipelining: true, logger });
    this.subscriber = createRedis(config, { logger });
    this.objects = ObjectStore.fromConfig(config);
    const queries = new ChatQueries({
      pool: this.pool,
      cassandra: this.cassandra,
      keyspace: config.cassandra.keyspace,
      redis: this.redis,
    });
    const audience = new PresenceAudience(this.pool);
    this.hub = new LiveHub(
      this.subscriber,
      this.redis,
      new PresenceWatches(queries, audience, logger),
      logger,
      config.gateway.presenceRefreshMs,
    );
    this.sockets = new SocketLimiter(config.gateway.maxSocketsPerUser);
    const { gateway: limits } = config;
    this.budgets = new Budgets({
      read: { ratePerSecond: limits.readRatePerSecond, burst: limits.readRateBurst },
      typing: { ratePerSecond: limits.typingRatePerSecond, burst: limits.typingRateBurst },
      connect: { ratePerSecond: limits.connectRatePerSecond, burst: limits.connectRateBurst },
    });
    const typing = new TypingRelay(
      audience,
      new TypingThrottle(this.redis, config.gateway.typingThrottleMs),
      (signal) => this.hub.publishTyping(signal),
    );
    const kafka = createKafka(
      { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-gateway` },
      logger,
    );
    this.appender = createEventAppender({
      kafka,
      codec: createEventCodec({ registryUrl: config.registry.value }),
      logger,
    });
    this.presence = new PresenceReporter(this.appender, this.gatewayId, logger);
    // One producer for presence and commands: batching, acks=all, idempotent.
    const { handling, log } = createCommandHandling(config, {
      pool: this.pool,
      redis: this.redis,
      kafka,
      appender: this.appender,
      objects: this.objects,
    });
    this.log = log;
    this.deps = {
      queries,
      commands: handling,
      logger,
      relayTyping: (conversationId, userId, connectionId) =>
        typing.relay(conversationId, userId, connectionId),
      refusal: (userId, type) => this.budgets.frameRefusal(userId, type),
      watchPresence: (session, userIds) => this.hub.watch(session, userIds),
      unwatchPresence: (session, userIds) => this.hub.unwatch(session, userIds),
    };
    this.endpoint = new WsEndpoint(
      server,
      this.verifier,
      config.gateway,
      logger,
      (principal) => this.connectRefusal(principal),
      (socket) => this.acceptSocket(socket),
    );
  }

  async start(): Promise<void> {
    await this.hub.start();
    this.endpoint.start();
  }

  get connections(): number {
    return this.hub.connections;
  }

  /**
   * Why this user may not open another connection now, whatever the transport (WebSocket or
   * event stream), or null: each one walks the user's conversations and reports presence.
   */
  connectRefusal(principal: VerifiedPrincipal): RateRefusal | null {
    return this.budgets.connectRefusal(principal.userId);
  }

  /**
   * A session over any transport: registered for live changes before it resumes, closed when
   * its token expires. Over the user's socket limit it is closed at once and never registered.
   */
  openSession(principal: VerifiedPrincipal, transport: Transport): Session {
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

  closeSession(session: Session): void {
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

  /** Stop accepting, tell every client to reconnect elsewhere, close within the deadline. */
  async drain(): Promise<void> {
    this.endpoint.stopAccepting();
    for (const session of this.hub.all()) session.drain();
    const deadline = Date.now() + this.config.gateway.drainDeadlineMs;
    while (this.endpoint.open > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.endpoint.terminateAll();
    await this.hub.stop();
    await this.log.close();
    this.subscriber.disconnect();
    this.redis.disconnect();
    this.objects.close();
    await Promise.all([this.pool.end(), this.cassandra.shutdown()]).catch(() => undefined);
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

  private acceptSocket(socket: AcceptedSocket): void {
    const session = this.openSession(socket.principal, socket.transport);
    // receive answers every failure with a frame; a rejection here would be a bug, not input.
    socket.onFrame((text) =>
      session.receive(text).catch((error: unknown) => {
        this.logger.error({ err: error }, 'a frame escaped its session');
        session.close(CLOSE_CODES.internalError, 'internal error');
      }),
    );
    socket.onPong(() => this.heartbeat(session));
    socket.onClose(() => this.closeSession(session));
  }
}
