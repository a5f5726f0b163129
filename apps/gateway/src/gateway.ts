import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createTokenVerifier, type TokenVerifier } from '@chat/auth';
import type { Config } from '@chat/config';
import { createEventAppender, createEventCodec, createKafka } from '@chat/events';
import type { Logger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { ChatQueries } from '@chat/views';
import { CommandClient } from './commands/command-client';
import { LiveHub } from './live/live-hub';
import { PresenceReporter } from './presence/presence-reporter';
import { Session, type SessionDeps } from './sessions/session';
import type { Transport } from './transport/transport';
import { WsEndpoint, type AcceptedSocket } from './transport/ws-endpoint';

/**
 * The gateway on an HTTP server: WebSocket sessions fed by the projections, commands relayed
 * to the command API, presence reported to the log. `drain` is the graceful end of a deploy.
 */
export class Gateway {
  readonly gatewayId = `gateway-${randomUUID().slice(0, 8)}`;
  private readonly pool;
  private readonly cassandra;
  private readonly redis;
  private readonly subscriber;
  private readonly hub: LiveHub;
  private readonly endpoint: WsEndpoint;
  private readonly presence: PresenceReporter;
  private readonly appender;
  private readonly deps: SessionDeps;
  /** Checks bearer tokens for every transport: WebSocket upgrades and event streams. */
  readonly verifier: TokenVerifier;
  private readonly lastHeartbeat = new Map<Session, number>();

  constructor(
    private readonly config: Config,
    server: Server,
    private readonly logger: Logger,
  ) {
    this.verifier = createTokenVerifier(config.auth);
    this.pool = createPgPool(config, { max: 10 });
    this.cassandra = createCassandraClient(config);
    this.redis = createRedis(config);
    this.subscriber = createRedis(config);
    const queries = new ChatQueries({
      pool: this.pool,
      cassandra: this.cassandra,
      keyspace: config.cassandra.keyspace,
      redis: this.redis,
    });
    this.hub = new LiveHub(
      this.subscriber,
      this.redis,
      queries,
      logger,
      config.gateway.presenceRefreshMs,
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
    this.deps = {
      queries,
      commands: new CommandClient(config.gateway.commandApiUrl),
      logger,
      publishTyping: (conversationId, userId, connectionId, recipients) =>
        this.hub.publishTyping({ conversationId, userId, connectionId, recipients }),
      watchPresence: (session, userIds) => this.hub.watch(session, userIds),
      unwatchPresence: (session, userIds) => this.hub.unwatch(session, userIds),
    };
    this.endpoint = new WsEndpoint(server, this.verifier, config.gateway, logger, (socket) =>
      this.acceptSocket(socket),
    );
  }

  async start(): Promise<void> {
    await this.hub.start();
    this.endpoint.start();
  }

  get connections(): number {
    return this.hub.connections;
  }

  /** A session over any transport: registered for live changes before it resumes. */
  openSession(
    principal: AcceptedSocket['principal'],
    token: string,
    transport: Transport,
  ): Session {
    const session = new Session(principal, token, transport, this.deps);
    this.hub.add(session);
    this.lastHeartbeat.set(session, Date.now());
    this.presence.report('Connected', principal.userId, principal.deviceId, session.connectionId);
    return session;
  }

  closeSession(session: Session): void {
    session.ended();
    this.lastHeartbeat.delete(session);
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
    await this.appender.disconnect().catch(() => undefined);
    this.subscriber.disconnect();
    this.redis.disconnect();
    await Promise.all([this.pool.end(), this.cassandra.shutdown()]).catch(() => undefined);
  }

  /** The connection is alive: a presence heartbeat, at most one per ping interval. */
  heartbeat(session: Session): void {
    const last = this.lastHeartbeat.get(session) ?? 0;
    if (Date.now() - last < this.config.gateway.pingIntervalMs * 0.8) return;
    this.lastHeartbeat.set(session, Date.now());
    const { userId, principal, connectionId } = session;
    this.presence.report('Heartbeat', userId, principal.deviceId, connectionId);
  }

  private acceptSocket(socket: AcceptedSocket): void {
    const session = this.openSession(socket.principal, socket.token, socket.transport);
    socket.onFrame((text) => void session.receive(text));
    socket.onPong(() => this.heartbeat(session));
    socket.onClose(() => this.closeSession(session));
  }
}
