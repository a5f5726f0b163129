import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../stack-config';

export class JavaMissingError extends Error {}

export function javaBinary(config: StackConfig): string {
  return join(config.stack.javaHome, 'bin', 'java');
}

/** Kafka, Cassandra and the registry need JDK 17: Cassandra 5 does not run on newer ones. */
export function checkJava(config: StackConfig): void {
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

/**
 * The command started with the given timer slack (Linux, `/proc/self/timerslack_ns`): how late
 * the kernel may fire its timed waits so that it can group their wake-ups. Threads inherit it
 * and it survives `exec`, so the shell sets its own and becomes the command (same pid). Where
 * the file cannot be written, the command starts with the default slack.
 */
export function withTimerSlack(
  slackNs: number,
  spec: { command: string; args: string[] },
): { command: string; args: string[] } {
  return {
    command: '/bin/sh',
    args: [
      '-c',
      `echo ${Math.round(slackNs)} > /proc/self/timerslack_ns 2>/dev/null; exec "$0" "$@"`,
      spec.command,
      ...spec.args,
    ],
  };
}
