import { ConfigError } from '@chat/config';
import { loadStackConfig } from './stack-config';

const local = (env: Record<string, string>) =>
  loadStackConfig({ CHAT_ENVIRONMENT: 'local', ...env });

describe('the stack configuration', () => {
  it('should have defaults for the folder, heaps, JDKs and ports', () => {
    expect(local({}).stack).toEqual({
      dir: '.stack',
      javaHome: '/usr/lib/jvm/java-17-openjdk-amd64',
      registryJavaHome: '/usr/lib/jvm/temurin-25-jdk-amd64',
      heaps: { kafka: '768m', cassandra: '1G', registry: '512m' },
      ports: {
        kafka: 19092,
        kafkaController: 19093,
        registry: 18081,
        registryManagement: 18082,
        cassandra: 19042,
        cassandraStorage: 17000,
        postgres: 15432,
        redis: 16379,
        s3: 19900,
      },
    });
  });

  it('should bind a service where the apps look for it by default', () => {
    const config = local({ CHAT_KAFKA_PORT: '29092', CHAT_POSTGRES_PORT: '25432' });
    expect(config.stack.ports).toMatchObject({ kafka: 29092, postgres: 25432 });
    expect(config.kafka.value).toEqual(['127.0.0.1:29092']);
    expect(config.postgres.value).toBe('postgres://postgres@127.0.0.1:25432/chat');
  });

  it('should name a bad variable, of its own settings or of the apps', () => {
    expect(() => local({ CHAT_KAFKA_CONTROLLER_PORT: '0', LOG_LEVEL: 'loud' })).toThrow(
      ConfigError,
    );
    expect(() => local({ CHAT_KAFKA_CONTROLLER_PORT: '0', LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL.*CHAT_KAFKA_CONTROLLER_PORT/s,
    );
  });
});
