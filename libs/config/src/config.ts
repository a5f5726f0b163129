import { z } from 'zod';

/**
 * The one place that reads process.env. Every app, tool and test gets a typed, validated
 * Config from here.
 *
 * Two kinds of variables:
 * - CHAT_*_PORT choose the ports of the local stack (tools/stack) and so the default URLs.
 * - KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CASSANDRA_CONTACT_POINTS, DATABASE_URL, REDIS_URL point
 *   at existing servers. When one is set, the local stack does not provision that service.
 */

/** Public on purpose: accepted only with CHAT_ENVIRONMENT=local. */
export const DEV_JWT_SECRET = 'local-development-only-not-a-secret';

/** A public VAPID key pair (RFC 8292), accepted only with CHAT_ENVIRONMENT=local. */
export const DEV_VAPID_KEYS = {
  publicKey:
    'BPX3KBLbP_ZyUTy0P64pd9CPawiL3o0p-bUpPbEO3i9-7jIHqQeS3-OS65QsqxwuEDdxHXjFJ-UtK1pdUmwjkkc',
  privateKey: 'ZTykBlNS8d8lVk4vlxnmil9AVi8wfQZoIaaNJ5jAt2Y',
} as const;

const port = z.coerce.number().int().min(1).max(65535);
const csv = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /**
   * Where this runs. `deployed`, the default, refuses what is public: the development JWT
   * secret, token minting, the development VAPID keys, plain-http push endpoints. Only the
   * local stack, compose and the test harness say `local`, and every app then logs a warning.
   * Independent of NODE_ENV, which the image sets to `production` for Node's own sake.
   */
  CHAT_ENVIRONMENT: z.enum(['local', 'deployed']).default('deployed'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  CHAT_STACK_DIR: z.string().default('.stack'),
  /** JDK 17 for Kafka, Cassandra and the registry (Cassandra 5 refuses newer JDKs). */
  CHAT_JAVA_HOME: z.string().default('/usr/lib/jvm/java-17-openjdk-amd64'),
  /** The registry (Apicurio 3.3, Quarkus) is built for Java 21+. */
  CHAT_REGISTRY_JAVA_HOME: z.string().default('/usr/lib/jvm/temurin-25-jdk-amd64'),
  CHAT_KAFKA_HEAP: z.string().default('768m'),
  CHAT_CASSANDRA_HEAP: z.string().default('1G'),
  CHAT_REGISTRY_HEAP: z.string().default('512m'),

  CHAT_KAFKA_PORT: port.default(19092),
  CHAT_KAFKA_CONTROLLER_PORT: port.default(19093),
  CHAT_REGISTRY_PORT: port.default(18081),
  CHAT_REGISTRY_MANAGEMENT_PORT: port.default(18082),
  CHAT_CASSANDRA_PORT: port.default(19042),
  CHAT_CASSANDRA_STORAGE_PORT: port.default(17000),
  CHAT_POSTGRES_PORT: port.default(15432),
  CHAT_REDIS_PORT: port.default(16379),
  CHAT_S3_PORT: port.default(19900),

  /** Address the apps listen on: loopback locally, 0.0.0.0 in a container. */
  CHAT_BIND_HOST: z.string().default('127.0.0.1'),
  COMMAND_API_PORT: port.default(3000),
  GATEWAY_PORT: port.default(3001),
  PROJECTORS_PORT: port.default(3002),

  KAFKA_BROKERS: z.string().optional(),
  KAFKA_CLIENT_ID: z.string().default('chat'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  /**
   * Consumer group liveness. A member that stops heartbeating (kill -9, a lost host) keeps its
   * partitions until its session times out, so this bounds the stall after a crash; the broker
   * must allow it (group.min.session.timeout.ms, 1 s in the local stack and compose).
   */
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(500).default(2000),
  /** Also how long an idle fetch waits at the broker (see createEventConsumer). */
  KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(50).default(500),
  /** How long the coordinator waits for every member to rejoin a rebalance. */
  KAFKA_CONSUMER_REBALANCE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(20000),
  SCHEMA_REGISTRY_URL: z.string().url().optional(),
  CASSANDRA_CONTACT_POINTS: z.string().optional(),
  CASSANDRA_LOCAL_DC: z.string().default('datacenter1'),
  CASSANDRA_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, 'lower-case letters, digits and _')
    .default('chat'),
  CASSANDRA_REPLICATION: z.string().default("{'class': 'SimpleStrategy', 'replication_factor': 1}"),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  /**
   * Object storage for media: any S3 API. Unset, the local stack's s3proxy on CHAT_S3_PORT.
   * In production set S3_ENDPOINT (or leave it empty with S3_USE_AWS=on for AWS itself),
   * S3_REGION, S3_BUCKET and the keys; path-style addressing is for s3proxy and MinIO.
   */
  S3_ENDPOINT: z.string().url().optional(),
  /** Where clients reach the store, when not at S3_ENDPOINT (containers): URLs are signed for it. */
  S3_PUBLIC_ENDPOINT: z.string().url().optional(),
  S3_USE_AWS: z.enum(['on', 'off']).default('off'),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .default('chat-media'),
  S3_ACCESS_KEY_ID: z.string().default('local-identity'),
  S3_SECRET_ACCESS_KEY: z.string().default('local-credential'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  /** Media uploads: the content types allowed, the largest object, and URL lifetimes. */
  CHAT_MEDIA_TYPES: z
    .string()
    .default(
      'image/jpeg,image/png,image/gif,image/webp,video/mp4,audio/mpeg,audio/ogg,application/pdf,application/octet-stream',
    ),
  CHAT_MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(25 * 1024 * 1024),
  CHAT_MEDIA_UPLOAD_URL_TTL_S: z.coerce.number().int().min(1).max(3600).default(300),
  CHAT_MEDIA_DOWNLOAD_URL_TTL_S: z.coerce.number().int().min(1).max(3600).default(300),
  /** An upload no message references is removed after this long. */
  CHAT_MEDIA_UNREFERENCED_TTL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(24 * 3600 * 1000),
  /** How often the command API removes unreferenced uploads. */
  CHAT_MEDIA_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60 * 1000),

  /** HS256 secret for local tokens. The default is public, so only CHAT_ENVIRONMENT=local accepts it. */
  CHAT_JWT_SECRET: z.string().min(16).default(DEV_JWT_SECRET),
  /** In production, keys come from the identity provider's JWKS instead. */
  CHAT_JWT_JWKS_URL: z.string().url().optional(),
  CHAT_JWT_ISSUER: z.string().default('chat-backend'),
  CHAT_JWT_AUDIENCE: z.string().default('chat'),
  /**
   * Minting tokens over HTTP (POST /v1/dev/tokens) and `npm run token`: off unless asked for
   * (the local stack and the test harness turn it on); only with CHAT_ENVIRONMENT=local.
   */
  CHAT_DEV_TOKENS: z.enum(['on', 'off']).default('off'),

  /**
   * Web Push (RFC 8030/8291) with VAPID (RFC 8292): the application server's key pair, base64url
   * (P-256 public point, private scalar), and the contact push services may reach
   * (mailto: or https:). The default pair is public, so only CHAT_ENVIRONMENT=local accepts it.
   */
  CHAT_PUSH_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'a base64url P-256 public key')
    .default(DEV_VAPID_KEYS.publicKey),
  CHAT_PUSH_VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url P-256 private key')
    .default(DEV_VAPID_KEYS.privateKey),
  CHAT_PUSH_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, 'a mailto: or https: URL')
    .default('mailto:push@chat.invalid'),
  /**
   * Push service hosts a subscription may name (comma-separated; a host or a parent domain,
   * e.g. fcm.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com).
   * Empty: any host. The projectors POST to whatever is registered, so production should set it.
   */
  CHAT_PUSH_ENDPOINT_HOSTS: z.string().default(''),
  /**
   * Push endpoints on loopback, private or link-local addresses: off, so nobody can make the
   * notifier POST inside the network. The local stack and the tests turn it on for the local
   * push service.
   */
  CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS: z.enum(['on', 'off']).default('off'),
  /** A device that got a message over a live socket (or acked it) within this time gets no push. */
  CHAT_PUSH_WINDOW_MS: z.coerce.number().int().min(0).default(5000),
  /** Older messages are never pushed: a notifier that was down, or a rebuild, sends nothing stale. */
  CHAT_PUSH_MAX_AGE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(10 * 60 * 1000),
  /** Pushes per second from one notifier process: a message to a big group goes out staggered. */
  CHAT_PUSH_RATE_PER_SECOND: z.coerce.number().positive().default(200),
  /** Sends of one push after a 5xx or 429, and the first backoff (doubled each time). */
  CHAT_PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  CHAT_PUSH_RETRY_BASE_MS: z.coerce.number().int().min(1).default(500),

  CHAT_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(65536),
  CHAT_MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).default(4096),
  CHAT_MAX_GROUP_MEMBERS: z.coerce.number().int().min(2).default(1000),
  /** Per-user token bucket: steady commands per second, and the burst allowed above it. */
  CHAT_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
  CHAT_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(40),
  /**
   * Sends one process holds taken but unanswered; past it a send is refused at once (503
   * `overloaded`), not queued until the client times out.
   */
  CHAT_MAX_PENDING_SENDS: z.coerce.number().int().min(1).default(2000),
  /**
   * One user's share of those: past it their send is refused (429) and the others' are not.
   * Above what a user at their rate limit holds while every send waits out the append
   * deadline (40 + 20/s x 5 s), so only a process-wide budget far above the default reaches it.
   */
  CHAT_MAX_PENDING_SENDS_PER_USER: z.coerce.number().int().min(1).default(200),
  /** Long polls (GET .../sync?wait=) one user may hold open on one command-api process. */
  CHAT_MAX_LONG_POLLS_PER_USER: z.coerce.number().int().min(1).default(4),
  /** WebSocket heartbeats: a ping this often, and a close when no pong came for this long. */
  GATEWAY_PING_INTERVAL_MS: z.coerce.number().int().min(10).default(30000),
  GATEWAY_PONG_TIMEOUT_MS: z.coerce.number().int().min(10).default(60000),
  /** Bytes a socket may have queued before it is closed as a slow consumer. */
  GATEWAY_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  GATEWAY_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  /** On SIGTERM, clients are told to reconnect and closed within this deadline. */
  GATEWAY_DRAIN_DEADLINE_MS: z.coerce.number().int().min(0).default(10000),
  /** How often presence subscriptions are refreshed (catches expiries, which have no event). */
  GATEWAY_PRESENCE_REFRESH_MS: z.coerce.number().int().min(10).default(5000),
  /** Open sockets (WebSocket and event streams) one user may hold on one gateway process. */
  GATEWAY_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(20),
  /** Reads per user (history, sync, inbox, presence frames): steady rate and burst above it. */
  GATEWAY_READ_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  GATEWAY_READ_RATE_BURST: z.coerce.number().int().min(1).default(60),
  /** One typing signal per user and conversation per this long, across all their sockets. */
  GATEWAY_TYPING_THROTTLE_MS: z.coerce.number().int().min(0).default(2000),
  /** Typing frames per user, whatever the conversation: steady rate and burst above it. */
  GATEWAY_TYPING_RATE_PER_SECOND: z.coerce.number().positive().default(5),
  GATEWAY_TYPING_RATE_BURST: z.coerce.number().int().min(1).default(10),
  /** Connections (WebSocket upgrades, event streams) per user: steady rate and burst. */
  GATEWAY_CONNECT_RATE_PER_SECOND: z.coerce.number().positive().default(1),
  GATEWAY_CONNECT_RATE_BURST: z.coerce.number().int().min(1).default(20),
  /** How long a command waits for Kafka's acknowledgement before answering 503. */
  CHAT_APPEND_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** The longest an HTTP long poll (GET .../sync?wait=) is held open; requests may ask less. */
  CHAT_SYNC_MAX_WAIT_MS: z.coerce.number().int().min(0).max(30000).default(30000),
});

export type Env = Record<string, string | undefined>;

export interface ServiceEndpoint<T> {
  /** Where clients connect. */
  value: T;
  /** True when the address came from the environment: an existing server, not provisioned here. */
  external: boolean;
}

/** How a consumer group notices a dead member and hands its partitions over. */
export interface ConsumerGroupTimings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
}

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  /** `local` accepts the public development secrets (see CHAT_ENVIRONMENT). */
  environment: 'local' | 'deployed';
  logLevel: string;
  stackDir: string;
  javaHome: string;
  registryJavaHome: string;
  bindHost: string;
  heaps: { kafka: string; cassandra: string; registry: string };
  ports: {
    kafka: number;
    kafkaController: number;
    registry: number;
    registryManagement: number;
    cassandra: number;
    cassandraStorage: number;
    postgres: number;
    redis: number;
    s3: number;
    commandApi: number;
    gateway: number;
    projectors: number;
  };
  kafka: ServiceEndpoint<string[]> & {
    clientId: string;
    topicPartitions: number;
    replicationFactor: number;
    consumer: ConsumerGroupTimings;
  };
  registry: ServiceEndpoint<string>;
  cassandra: ServiceEndpoint<string[]> & {
    localDataCenter: string;
    keyspace: string;
    replication: string;
  };
  postgres: ServiceEndpoint<string>;
  redis: ServiceEndpoint<string>;
  /** value is the endpoint URL, or '' for AWS's own regional endpoints. */
  s3: ServiceEndpoint<string> & {
    /** The endpoint pre-signed URLs name: the same as value unless S3_PUBLIC_ENDPOINT is set. */
    publicEndpoint: string;
    region: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  };
  media: {
    allowedTypes: string[];
    maxBytes: number;
    uploadUrlTtlS: number;
    downloadUrlTtlS: number;
    unreferencedTtlMs: number;
    sweepIntervalMs: number;
  };
  auth: {
    jwtSecret: string;
    jwksUrl: string | undefined;
    issuer: string;
    audience: string;
    devTokens: boolean;
  };
  push: {
    vapid: { publicKey: string; privateKey: string; subject: string };
    /** Hosts (or parent domains) endpoints may name; empty: any. */
    endpointHosts: string[];
    /** Plain http endpoints: only with CHAT_ENVIRONMENT=local (a local push service). */
    allowHttpEndpoints: boolean;
    /** Endpoints on loopback, private or link-local addresses (a local push service). */
    allowInternalEndpoints: boolean;
    windowMs: number;
    maxAgeMs: number;
    ratePerSecond: number;
    maxAttempts: number;
    retryBaseMs: number;
  };
  limits: {
    maxBodyBytes: number;
    maxMessageLength: number;
    maxGroupMembers: number;
    ratePerSecond: number;
    rateBurst: number;
    maxPendingSends: number;
    maxPendingSendsPerUser: number;
    maxLongPollsPerUser: number;
  };
  appendTimeoutMs: number;
  syncMaxWaitMs: number;
  gateway: {
    pingIntervalMs: number;
    pongTimeoutMs: number;
    maxBufferedBytes: number;
    maxFrameBytes: number;
    drainDeadlineMs: number;
    presenceRefreshMs: number;
    maxSocketsPerUser: number;
    readRatePerSecond: number;
    readRateBurst: number;
    typingThrottleMs: number;
    typingRatePerSecond: number;
    typingRateBurst: number;
    connectRatePerSecond: number;
    connectRateBurst: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  if (e.CHAT_ENVIRONMENT !== 'local') {
    // Secure unless told otherwise: anyone knows the defaults, so with them anyone could mint
    // any user's token. Only an explicit CHAT_ENVIRONMENT=local accepts them.
    const problems = [
      e.CHAT_DEV_TOKENS === 'on' &&
        'CHAT_DEV_TOKENS: minting tokens is only on with CHAT_ENVIRONMENT=local',
      !e.CHAT_JWT_JWKS_URL &&
        e.CHAT_JWT_SECRET === DEV_JWT_SECRET &&
        'CHAT_JWT_SECRET: set a secret (or CHAT_JWT_JWKS_URL); the default is public (CHAT_ENVIRONMENT=local accepts it)',
      e.CHAT_PUSH_VAPID_PRIVATE_KEY === DEV_VAPID_KEYS.privateKey &&
        'CHAT_PUSH_VAPID_PRIVATE_KEY: set a key pair of your own; the default is public (CHAT_ENVIRONMENT=local accepts it)',
    ].filter((p): p is string => typeof p === 'string');
    if (problems.length > 0) throw new ConfigError(problems);
  }
  if (e.KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS * 3 > e.KAFKA_CONSUMER_SESSION_TIMEOUT_MS) {
    throw new ConfigError([
      'KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS: at most a third of KAFKA_CONSUMER_SESSION_TIMEOUT_MS, so one late heartbeat does not end the session',
    ]);
  }
  const endpoint = <T>(given: string | undefined, parse: (s: string) => T, fallback: T) =>
    given === undefined || given === ''
      ? { value: fallback, external: false }
      : { value: parse(given), external: true };

  return {
    nodeEnv: e.NODE_ENV,
    environment: e.CHAT_ENVIRONMENT,
    logLevel: e.LOG_LEVEL,
    stackDir: e.CHAT_STACK_DIR,
    javaHome: e.CHAT_JAVA_HOME,
    registryJavaHome: e.CHAT_REGISTRY_JAVA_HOME,
    bindHost: e.CHAT_BIND_HOST,
    heaps: {
      kafka: e.CHAT_KAFKA_HEAP,
      cassandra: e.CHAT_CASSANDRA_HEAP,
      registry: e.CHAT_REGISTRY_HEAP,
    },
    ports: {
      kafka: e.CHAT_KAFKA_PORT,
      kafkaController: e.CHAT_KAFKA_CONTROLLER_PORT,
      registry: e.CHAT_REGISTRY_PORT,
      registryManagement: e.CHAT_REGISTRY_MANAGEMENT_PORT,
      cassandra: e.CHAT_CASSANDRA_PORT,
      cassandraStorage: e.CHAT_CASSANDRA_STORAGE_PORT,
      postgres: e.CHAT_POSTGRES_PORT,
      redis: e.CHAT_REDIS_PORT,
      s3: e.CHAT_S3_PORT,
      commandApi: e.COMMAND_API_PORT,
      gateway: e.GATEWAY_PORT,
      projectors: e.PROJECTORS_PORT,
    },
    kafka: {
      ...endpoint(e.KAFKA_BROKERS, csv, [`127.0.0.1:${e.CHAT_KAFKA_PORT}`]),
      clientId: e.KAFKA_CLIENT_ID,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      consumer: {
        sessionTimeoutMs: e.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: e.KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS,
        rebalanceTimeoutMs: e.KAFKA_CONSUMER_REBALANCE_TIMEOUT_MS,
      },
    },
    registry: endpoint(
      e.SCHEMA_REGISTRY_URL,
      (s) => s.replace(/\/+$/, ''),
      `http://127.0.0.1:${e.CHAT_REGISTRY_PORT}/apis/ccompat/v7`,
    ),
    cassandra: {
      ...endpoint(e.CASSANDRA_CONTACT_POINTS, csv, [`127.0.0.1:${e.CHAT_CASSANDRA_PORT}`]),
      localDataCenter: e.CASSANDRA_LOCAL_DC,
      keyspace: e.CASSANDRA_KEYSPACE,
      replication: e.CASSANDRA_REPLICATION,
    },
    postgres: endpoint(
      e.DATABASE_URL,
      (s) => s,
      `postgres://postgres@127.0.0.1:${e.CHAT_POSTGRES_PORT}/chat`,
    ),
    redis: endpoint(e.REDIS_URL, (s) => s, `redis://127.0.0.1:${e.CHAT_REDIS_PORT}`),
    s3: {
      ...(e.S3_USE_AWS === 'on' && !e.S3_ENDPOINT
        ? { value: '', external: true }
        : endpoint(
            e.S3_ENDPOINT,
            (s) => s.replace(/\/+$/, ''),
            `http://127.0.0.1:${e.CHAT_S3_PORT}`,
          )),
      publicEndpoint: (
        e.S3_PUBLIC_ENDPOINT ??
        e.S3_ENDPOINT ??
        (e.S3_USE_AWS === 'on' ? '' : `http://127.0.0.1:${e.CHAT_S3_PORT}`)
      ).replace(/\/+$/, ''),
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE
        ? e.S3_FORCE_PATH_STYLE === 'true'
        : e.S3_USE_AWS !== 'on',
    },
    media: {
      allowedTypes: csv(e.CHAT_MEDIA_TYPES).map((type) => type.toLowerCase()),
      maxBytes: e.CHAT_MEDIA_MAX_BYTES,
      uploadUrlTtlS: e.CHAT_MEDIA_UPLOAD_URL_TTL_S,
      downloadUrlTtlS: e.CHAT_MEDIA_DOWNLOAD_URL_TTL_S,
      unreferencedTtlMs: e.CHAT_MEDIA_UNREFERENCED_TTL_MS,
      sweepIntervalMs: e.CHAT_MEDIA_SWEEP_INTERVAL_MS,
    },
    auth: {
      jwtSecret: e.CHAT_JWT_SECRET,
      jwksUrl: e.CHAT_JWT_JWKS_URL,
      issuer: e.CHAT_JWT_ISSUER,
      audience: e.CHAT_JWT_AUDIENCE,
      devTokens: e.CHAT_DEV_TOKENS === 'on',
    },
    push: {
      vapid: {
        publicKey: e.CHAT_PUSH_VAPID_PUBLIC_KEY,
        privateKey: e.CHAT_PUSH_VAPID_PRIVATE_KEY,
        subject: e.CHAT_PUSH_VAPID_SUBJECT,
      },
      endpointHosts: csv(e.CHAT_PUSH_ENDPOINT_HOSTS).map((host) => host.toLowerCase()),
      allowHttpEndpoints: e.CHAT_ENVIRONMENT === 'local',
      allowInternalEndpoints: e.CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS === 'on',
      windowMs: e.CHAT_PUSH_WINDOW_MS,
      maxAgeMs: e.CHAT_PUSH_MAX_AGE_MS,
      ratePerSecond: e.CHAT_PUSH_RATE_PER_SECOND,
      maxAttempts: e.CHAT_PUSH_MAX_ATTEMPTS,
      retryBaseMs: e.CHAT_PUSH_RETRY_BASE_MS,
    },
    limits: {
      maxBodyBytes: e.CHAT_MAX_BODY_BYTES,
      maxMessageLength: e.CHAT_MAX_MESSAGE_LENGTH,
      maxGroupMembers: e.CHAT_MAX_GROUP_MEMBERS,
      ratePerSecond: e.CHAT_RATE_LIMIT_PER_SECOND,
      rateBurst: e.CHAT_RATE_LIMIT_BURST,
      maxPendingSends: e.CHAT_MAX_PENDING_SENDS,
      maxPendingSendsPerUser: e.CHAT_MAX_PENDING_SENDS_PER_USER,
      maxLongPollsPerUser: e.CHAT_MAX_LONG_POLLS_PER_USER,
    },
    appendTimeoutMs: e.CHAT_APPEND_TIMEOUT_MS,
    syncMaxWaitMs: e.CHAT_SYNC_MAX_WAIT_MS,
    gateway: {
      pingIntervalMs: e.GATEWAY_PING_INTERVAL_MS,
      pongTimeoutMs: e.GATEWAY_PONG_TIMEOUT_MS,
      maxBufferedBytes: e.GATEWAY_MAX_BUFFERED_BYTES,
      maxFrameBytes: e.GATEWAY_MAX_FRAME_BYTES,
      drainDeadlineMs: e.GATEWAY_DRAIN_DEADLINE_MS,
      presenceRefreshMs: e.GATEWAY_PRESENCE_REFRESH_MS,
      maxSocketsPerUser: e.GATEWAY_MAX_SOCKETS_PER_USER,
      readRatePerSecond: e.GATEWAY_READ_RATE_PER_SECOND,
      readRateBurst: e.GATEWAY_READ_RATE_BURST,
      typingThrottleMs: e.GATEWAY_TYPING_THROTTLE_MS,
      typingRatePerSecond: e.GATEWAY_TYPING_RATE_PER_SECOND,
      typingRateBurst: e.GATEWAY_TYPING_RATE_BURST,
      connectRatePerSecond: e.GATEWAY_CONNECT_RATE_PER_SECOND,
      connectRateBurst: e.GATEWAY_CONNECT_RATE_BURST,
    },
  };
}

/**
 * Every setting at its default, for code handed no Config (a tool's consumer timings). Local,
 * so the public defaults load; never the config an app trusts tokens with.
 */
export function configDefaults(): Config {
  return loadConfig({ CHAT_ENVIRONMENT: 'local' });
}

/** The environment's configuration with some variables replaced (tests, tools). */
export function loadConfigWith(overrides: Env): Config {
  return loadConfig({ ...process.env, ...overrides });
}
