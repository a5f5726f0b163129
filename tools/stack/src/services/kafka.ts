import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka, createLogAdmin } from '@chat/events';
import { createLogger } from '@chat/observability';
import { ensureMavenDependencies } from '../installers';
import type { ServiceDefinition } from '../service';
import { javaBinary } from './java';

const HEALTH_TOPIC = '__stack_health';
const HEALTH_GROUP = '__stack_health';

function serverProperties(port: number, controllerPort: number, logDir: string): string {
  return `# Written by the stack CLI on every start; edit tools/stack/src/services/kafka.ts instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDir}
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# Consumers use 2 s sessions (KAFKA_CONSUMER_SESSION_TIMEOUT_MS) so a killed member's
# partitions move within seconds; the broker's default floor is 6 s.
group.min.session.timeout.ms=1000
log.retention.hours=-1
`;
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
`;

export const kafka: ServiceDefinition = {
  name: 'kafka',
  after: [],
  needsJava: true,
  readyTimeoutMs: 120000,
  external: (config) => config.kafka.external,
  ports: (config) => [config.stack.ports.kafka, config.stack.ports.kafkaController],
  address: (config) => config.kafka.value.join(','),

  async install(_config, paths) {
    ensureMavenDependencies('kafka', paths.dist('kafka'));
  },

  async prepare(config, paths) {
    const conf = paths.conf('kafka');
    const data = paths.data('kafka');
    const classpath = `${join(paths.dist('kafka'), 'libs')}/*`;
    const properties = join(conf, 'server.properties');
    writeFileSync(
      properties,
      serverProperties(config.stack.ports.kafka, config.stack.ports.kafkaController, data),
    );
    writeFileSync(join(conf, 'log4j.properties'), LOG4J);
    const java = javaBinary(config);
    // Storage is formatted exactly once: a broker without meta.properties refuses to start,
    // and formatting again would lose the log.
    if (!existsSync(join(data, 'meta.properties'))) {
      const clusterId = execFileSync(java, [
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'random-uuid',
      ])
        .toString()
        .trim();
      execFileSync(
        java,
        [
          '-cp',
          classpath,
          `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          properties,
        ],
        { stdio: 'ignore' },
      );
    }
    return {
      command: java,
      args: [
        `-Xms${config.stack.heaps.kafka}`,
        `-Xmx${config.stack.heaps.kafka}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        properties,
      ],
    };
  },

  async probe(config) {
    const logger = createLogger('stack', 'fatal');
    const client = createKafka({ brokers: config.kafka.value, clientId: 'stack-health' }, logger);
    const admin = await createLogAdmin(client);
    const groups = client.admin({ retry: { retries: 1 } });
    const producer = client.producer({ retry: { retries: 1 } });
    try {
      await admin.ensureTopics([
        {
          topic: HEALTH_TOPIC,
          partitions: 1,
          replicationFactor: 1,
          config: { 'retention.ms': '60000' },
        },
      ]);
      await producer.connect();
      await producer.send({
        topic: HEALTH_TOPIC,
        acks: -1,
        messages: [{ value: new Date().toISOString() }],
      });
      // Consumer groups too: a fresh broker creates its offsets topic at the first group
      // lookup, and a consumer that joins before that is done crashes and restarts.
      await groups.connect();
      await groups.describeGroups([HEALTH_GROUP]);
      return true;
    } finally {
      await groups.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};
