import { ConfigError, DEV_JWT_SECRET, DEV_VAPID_KEYS, loadConfig, type Env } from '.';
import { TEST_OWN_VAPID_ENV } from './test-vapid-keys';

/** The local stack's configuration: the public development secrets are accepted. */
const local = (env: Env) => loadConfig({ CHAT_ENVIRONMENT: 'local', ...env });

describe('loadConfig', () => {
  it('should point every client at the local stack when nothing is set', () => {
    const config = local({});
    expect(config.kafka).toMatchObject({
      value: ['127.0.0.1:19092'],
      external: false,
    });
    expect(config.registry.value).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
    expect(config.postgres.value).toBe('postgres://postgres@127.0.0.1:15432/chat');
    expect(config.redis.external).toBe(false);
  });

  it('should follow a changed local port into the default address', () => {
    const config = local({
      CHAT_KAFKA_PORT: '29092',
      CHAT_REDIS_PORT: '26379',
    });
    expect(config.kafka.value).toEqual(['127.0.0.1:29092']);
    expect(config.redis.value).toBe('redis://127.0.0.1:26379');
  });

  it('should mark a service external when its address is given', () => {
    const config = local({
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      REDIS_URL: 'redis://r:6379',
    });
    expect(config.kafka).toMatchObject({
      value: ['k1:9092', 'k2:9092'],
      external: true,
    });
    expect(config.redis).toEqual({ value: 'redis://r:6379', external: true });
    expect(config.cassandra.external).toBe(false);
  });

  it('should put media on the local s3proxy, path-style, on CHAT_S3_PORT by default', () => {
    const config = local({ CHAT_S3_PORT: '29900' });
    expect(config.s3).toMatchObject({
      value: 'http://127.0.0.1:29900',
      publicEndpoint: 'http://127.0.0.1:29900',
      external: false,
      forcePathStyle: true,
      bucket: 'chat-media',
    });
  });

  it('should point media at real S3 with virtual-hosted addressing when asked for AWS', () => {
    const config = local({
      S3_USE_AWS: 'on',
      S3_REGION: 'eu-west-1',
      S3_BUCKET: 'prod-media',
    });
    expect(config.s3).toMatchObject({
      value: '',
      external: true,
      forcePathStyle: false,
      region: 'eu-west-1',
      bucket: 'prod-media',
    });
  });

  it('should read the allowed media types and the size limit as configured', () => {
    const config = local({
      CHAT_MEDIA_TYPES: 'image/PNG, video/mp4',
      CHAT_MEDIA_MAX_BYTES: '1000',
    });
    expect(config.media.allowedTypes).toEqual(['image/png', 'video/mp4']);
    expect(config.media.maxBytes).toBe(1000);
  });

  it('should have a default for every setting a local run needs', () => {
    const config = local({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      logLevel: 'info',
      bindHost: '127.0.0.1',
      ports: { commandApi: 3000, gateway: 3001, projectors: 3002 },
      appendTimeoutMs: 5000,
      syncMaxWaitMs: 30000,
    });
    expect(config.limits).toEqual({
      maxBodyBytes: 65536,
      maxMessageLength: 4096,
      maxGroupMembers: 1000,
      ratePerSecond: 20,
      rateBurst: 40,
      maxPendingSends: 2000,
      maxPendingSendsPerUser: 200,
      maxLongPollsPerUser: 4,
    });
    expect(config.media).toMatchObject({
      maxBytes: 25 * 1024 * 1024,
      uploadUrlTtlS: 300,
      unreferencedTtlMs: 24 * 3600 * 1000,
    });
  });

  it('should leave the local stack its own settings: no folder, heap, JDK or service port', () => {
    const config = local({ CHAT_STACK_DIR: '/elsewhere', CHAT_KAFKA_HEAP: '2g' });
    const keys = JSON.stringify(config);
    expect(keys).not.toMatch(/elsewhere|2g|java|heap|stackDir/i);
    expect(Object.keys(config.ports).sort()).toEqual(['commandApi', 'gateway', 'projectors']);
  });

  it('should name every bad variable', () => {
    expect(() => local({ CHAT_KAFKA_PORT: '70000', SCHEMA_REGISTRY_URL: 'nope' })).toThrow(
      ConfigError,
    );
    try {
      local({ CHAT_KAFKA_PORT: '70000', SCHEMA_REGISTRY_URL: 'nope' });
    } catch (error) {
      expect((error as ConfigError).issues.join()).toMatch(/CHAT_KAFKA_PORT.*SCHEMA_REGISTRY_URL/s);
    }
  });

  it('should name the variable of a bad value in any section', () => {
    expect(() => local({ CHAT_MAX_BODY_BYTES: 'lots' })).toThrow(
      /CHAT_MAX_BODY_BYTES: Expected number/,
    );
    expect(() => local({ S3_BUCKET: 'No_Such' })).toThrow(/S3_BUCKET: an S3 bucket name/);
    expect(() => local({ CHAT_DEV_TOKENS: 'yes' })).toThrow(/CHAT_DEV_TOKENS/);
  });
});

describe('consumer group timings', () => {
  it('notice a dead member within seconds by default', () => {
    expect(local({}).kafka.consumer).toEqual({
      sessionTimeoutMs: 2000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 20000,
    });
  });

  it('are set from the environment and refuse a heartbeat too slow for the session', () => {
    expect(
      local({
        KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '10000',
        KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS: '1000',
      }).kafka.consumer,
    ).toMatchObject({ sessionTimeoutMs: 10000, heartbeatIntervalMs: 1000 });
    expect(() =>
      local({
        KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '3000',
        KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS: '1500',
      }),
    ).toThrow(/KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS/);
  });
});

describe('authentication settings', () => {
  const deployed = { CHAT_JWT_SECRET: 'a-real-secret-of-some-length', ...TEST_OWN_VAPID_ENV };

  it('mints local tokens only when asked to, and only in a local environment', () => {
    expect(local({}).auth.devTokens).toBe(false);
    expect(local({ CHAT_DEV_TOKENS: 'on' }).auth.devTokens).toBe(true);
    expect(loadConfig(deployed).auth.devTokens).toBe(false);
    expect(() => loadConfig({ ...deployed, CHAT_DEV_TOKENS: 'on' })).toThrow(/CHAT_DEV_TOKENS/);
  });

  it('refuses the public development secret unless told it runs locally, whatever NODE_ENV is', () => {
    for (const NODE_ENV of [undefined, 'development', 'test', 'production']) {
      const env = { ...TEST_OWN_VAPID_ENV, ...(NODE_ENV ? { NODE_ENV } : {}) };
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/CHAT_JWT_SECRET/);
      expect(() => loadConfig({ ...env, CHAT_ENVIRONMENT: 'deployed' })).toThrow(/CHAT_JWT_SECRET/);
      expect(local(env).auth.jwtSecret).toBe(DEV_JWT_SECRET);
    }
  });

  it('accepts a deployment whose keys come from a JWKS', () => {
    expect(
      loadConfig({ CHAT_JWT_JWKS_URL: 'https://id.example.com/jwks', ...TEST_OWN_VAPID_ENV }).auth
        .jwksUrl,
    ).toBe('https://id.example.com/jwks');
  });
});

describe('push settings', () => {
  it('has defaults for local development and takes each from its variable', () => {
    expect(local({}).push).toMatchObject({
      vapid: DEV_VAPID_KEYS,
      windowMs: 5000,
      maxAgeMs: 600_000,
      ratePerSecond: 200,
    });
    expect(
      local({
        ...TEST_OWN_VAPID_ENV,
        CHAT_PUSH_WINDOW_MS: '0',
        CHAT_PUSH_RATE_PER_SECOND: '50',
      }).push,
    ).toMatchObject({
      vapid: { publicKey: TEST_OWN_VAPID_ENV.CHAT_PUSH_VAPID_PUBLIC_KEY },
      windowMs: 0,
      ratePerSecond: 50,
    });
    expect(() => local({ CHAT_PUSH_VAPID_SUBJECT: 'push@example.com' })).toThrow(
      /CHAT_PUSH_VAPID_SUBJECT/,
    );
  });

  it('refuses the public development key pair unless told it runs locally', () => {
    const production = { CHAT_JWT_SECRET: 'a-real-secret-of-some-length' };
    expect(() => loadConfig(production)).toThrow(/CHAT_PUSH_VAPID_PRIVATE_KEY/);
    expect(loadConfig({ ...production, ...TEST_OWN_VAPID_ENV }).push.vapid.privateKey).toBe(
      TEST_OWN_VAPID_ENV.CHAT_PUSH_VAPID_PRIVATE_KEY,
    );
  });
});

describe('gateway limits', () => {
  it('has defaults and takes each limit from its variable', () => {
    expect(local({}).gateway).toMatchObject({
      maxSocketsPerUser: 20,
      readRatePerSecond: 20,
      readRateBurst: 60,
      typingThrottleMs: 2000,
    });
    const gateway = local({
      GATEWAY_MAX_SOCKETS_PER_USER: '3',
      GATEWAY_READ_RATE_PER_SECOND: '0.5',
      GATEWAY_READ_RATE_BURST: '5',
      GATEWAY_TYPING_THROTTLE_MS: '0',
    }).gateway;
    expect(gateway).toMatchObject({
      maxSocketsPerUser: 3,
      readRatePerSecond: 0.5,
      readRateBurst: 5,
      typingThrottleMs: 0,
    });
    expect(() => local({ GATEWAY_MAX_SOCKETS_PER_USER: '0' })).toThrow(
      /GATEWAY_MAX_SOCKETS_PER_USER/,
    );
  });
});
