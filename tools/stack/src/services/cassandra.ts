import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'cassandra-driver';
import type { StackConfig } from '../stack-config';
import { ensureMavenDependencies } from '../installers';
import type { ServiceDefinition } from '../service';
import type { StackPaths } from '../stack-paths';
import { javaBinary, withTimerSlack } from './java';

function cassandraYaml(config: StackConfig, data: string): string {
  return `# Written by the stack CLI on every start; edit tools/stack/src/services/cassandra.ts instead.
cluster_name: chat-local
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${config.stack.ports.cassandraStorage}
native_transport_port: ${config.stack.ports.cassandra}
start_native_transport: true
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${config.stack.ports.cassandraStorage}"
data_file_directories:
  - ${join(data, 'data')}
commitlog_directory: ${join(data, 'commitlog')}
saved_caches_directory: ${join(data, 'saved_caches')}
hints_directory: ${join(data, 'hints')}
cdc_raw_directory: ${join(data, 'cdc_raw')}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
auto_snapshot: false
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
concurrent_reads: 16
concurrent_writes: 16
# The timeline writes each Kafka batch as unlogged batches of up to ~24 KiB across partitions
# (apps/projectors/src/timeline/timeline-writer.ts): expected, so not a warning per batch.
batch_size_warn_threshold: 32KiB
unlogged_batch_across_partitions_warn_threshold: 1000
`;
}

const LOGBACK = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
  <logger name="org.apache.cassandra" level="INFO"/>
</configuration>
`;

// From Cassandra's conf/jvm17-server.options: what it needs opened on JDK 17.
const JDK17_FLAGS = [
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
    'java.management/com.sun.jmx.remote.security',
  ].map((pkg) => `--add-exports=${pkg}=ALL-UNNAMED`),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'java.base/java.lang',
    'java.base/java.util',
    'java.base/java.nio',
    'jdk.management/com.sun.management.internal',
    'jdk.compiler/com.sun.tools.javac',
  ].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
];

const CASSANDRA_TIMER_SLACK_NS = 1_000_000;

function jammJar(paths: StackPaths): string {
  const libs = join(paths.dist('cassandra'), 'libs');
  const jar = readdirSync(libs).find((file) => /^jamm-.*\.jar$/.test(file));
  if (!jar) throw new Error(`no jamm agent jar in ${libs}`);
  return join(libs, jar);
}

export const cassandra: ServiceDefinition = {
  name: 'cassandra',
  after: [],
  needsJava: true,
  readyTimeoutMs: 240000,
  external: (config) => config.cassandra.external,
  ports: (config) => [config.stack.ports.cassandra, config.stack.ports.cassandraStorage],
  address: (config) => config.cassandra.value.join(','),

  async install(_config, paths) {
    ensureMavenDependencies('cassandra', paths.dist('cassandra'));
  },

  async prepare(config, paths) {
    const conf = paths.conf('cassandra');
    const data = paths.data('cassandra');
    writeFileSync(join(conf, 'cassandra.yaml'), cassandraYaml(config, data));
    writeFileSync(join(conf, 'logback.xml'), LOGBACK);
    // Idle pool workers spin on short timed parks before they sleep; with 1 ms of timer
    // slack each of those wakes up far less often, which is most of Cassandra's CPU at low
    // rates (docs/benchmarks.md). Work still wakes a worker at once.
    return withTimerSlack(CASSANDRA_TIMER_SLACK_NS, {
      command: javaBinary(config),
      args: [
        `-Xms${config.stack.heaps.cassandra}`,
        `-Xmx${config.stack.heaps.cassandra}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=300',
        '-Xss256k',
        `-javaagent:${jammJar(paths)}`,
        '-Djdk.attach.allowAttachSelf=true',
        '-Dio.netty.tryReflectionSetAccessible=true',
        ...JDK17_FLAGS,
        `-Dcassandra.config=file://${join(conf, 'cassandra.yaml')}`,
        '-Dcassandra-foreground=yes',
        `-Dcassandra.storagedir=${data}`,
        `-Dcassandra.logdir=${data}`,
        `-Dlogback.configurationFile=${join(conf, 'logback.xml')}`,
        '-Dcassandra.skip_wait_for_gossip_to_settle=0',
        '-Dcassandra.ring_delay_ms=100',
        '-Dcassandra.jmx.local.port=0',
        // A shared-pool worker renames its thread for every task it takes (a syscall each):
        // at low rates that is a good part of a request's cost.
        '-Dcassandra.set_sep_thread_name=false',
        '-cp',
        `${join(paths.dist('cassandra'), 'libs')}/*`,
        'org.apache.cassandra.service.CassandraDaemon',
      ],
    });
  },

  async probe(config) {
    const client = new Client({
      contactPoints: config.cassandra.value,
      localDataCenter: config.cassandra.localDataCenter,
      socketOptions: { connectTimeout: 2000 },
    });
    try {
      await client.connect();
      const result = await client.execute('SELECT release_version FROM system.local');
      return result.rowLength === 1;
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  },
};
