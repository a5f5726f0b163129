import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@chat/config';

export class JavaMissingError extends Error {}

export function javaBinary(config: Config): string {
  return join(config.javaHome, 'bin', 'java');
}

/** Kafka, Cassandra and the registry need JDK 17: Cassandra 5 does not run on newer ones. */
export function checkJava(config: Config): void {
  const java = javaBinary(config);
  if (!existsSync(java)) {
    throw new JavaMissingError(
      `java not found at ${java}: install OpenJDK 17 (apt-get install openjdk-17-jre-headless) or set CHAT_JAVA_HOME to a JDK 17`,
    );
  }
  const { stderr } = spawnSync(java, ['-XshowSettings:properties', '-version'], {
    encoding: 'utf8',
  });
  const match = /java\.specification\.version = (\d+)/.exec(stderr ?? '');
  if (match && match[1] !== '17') {
    throw new JavaMissingError(
      `${java} is Java ${match[1]}; the services need Java 17 (set CHAT_JAVA_HOME)`,
    );
  }
}
