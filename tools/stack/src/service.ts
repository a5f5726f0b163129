import type { Config } from '@chat/config';
import type { StackConfig } from './stack-config';
import type { LaunchSpec } from './processes';
import type { StackPaths } from './stack-paths';

/** One local service: how to install, configure, start and probe it. */
export interface ServiceDefinition {
  name: 'postgres' | 'redis' | 'kafka' | 'cassandra' | 'registry' | 's3';
  /** Services that must be healthy before this one starts. */
  after: ServiceDefinition['name'][];
  /** True when the config points at an existing server: then nothing is provisioned. */
  external(config: Config): boolean;
  /** Ports it binds, checked before starting. */
  ports(config: StackConfig): number[];
  /** Where clients reach it, for `status` and `up`. */
  address(config: Config): string;
  needsJava: boolean;
  /** Installs binaries when missing (apt or Maven); fast when already there. */
  install(config: StackConfig, paths: StackPaths): Promise<void>;
  /** Writes config files and initializes data once; returns how to launch it. */
  prepare(config: StackConfig, paths: StackPaths): Promise<Omit<LaunchSpec, 'logFile' | 'pidFile'>>;
  /** Answers true once the service does real work (a produce, a query...). */
  probe(config: Config): Promise<boolean>;
  readyTimeoutMs: number;
  /**
   * The signal that stops it promptly with its clients still connected (SIGTERM unless said):
   * `down` and `restart` send it, then SIGKILL after a deadline.
   */
  stopSignal?: NodeJS.Signals;
}
