import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { ensureDebianPackages } from '../installers';
import type { ServiceDefinition } from '../service';

const BIN = '/usr/lib/postgresql/15/bin';
const USER = 'postgres';

/** Runs a command as the postgres user: PostgreSQL refuses to run as root. */
function asPostgres(command: string, args: string[]) {
  return {
    command: 'setpriv',
    args: ['--reuid', USER, '--regid', USER, '--init-groups', command, ...args],
  };
}

/**
 * The postgres user must be able to walk down to its data directory. A checkout under a
 * private (0700) folder blocks that, so those folders get the traverse bit for others (o+x:
 * enter, not list or read).
 */
function grantTraverse(dir: string): void {
  for (let current = dir; current !== '/'; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(current, mode | 0o001);
      console.log(`postgres: added o+x to ${current} so the postgres user can reach its data`);
    }
  }
}

export const postgres: ServiceDefinition = {
  name: 'postgres',
  after: [],
  needsJava: false,
  readyTimeoutMs: 60000,
  // Fast shutdown: SIGTERM is PostgreSQL's smart shutdown, which waits for every client to
  // disconnect, and an app's pool never does. Fast terminates the sessions (57P01), as a
  // restart or failover in production does.
  stopSignal: 'SIGINT',
  external: (config) => config.postgres.external,
  ports: (config) => [config.stack.ports.postgres],
  address: (config) => config.postgres.value,

  async install() {
    ensureDebianPackages({ 'postgresql-15': join(BIN, 'postgres') });
  },

  async prepare(config, paths) {
    const data = paths.data('postgres');
    grantTraverse(dirname(data));
    execFileSync('chown', ['-R', `${USER}:${USER}`, data]);
    chmodSync(data, 0o700);
    if (!existsSync(join(data, 'PG_VERSION'))) {
      const init = asPostgres(join(BIN, 'initdb'), [
        '-D',
        data,
        '-U',
        USER,
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]);
      execFileSync(init.command, init.args, { stdio: 'ignore' });
    }
    accessSync(join(BIN, 'postgres'), constants.X_OK);
    return asPostgres(join(BIN, 'postgres'), [
      '-D',
      data,
      '-p',
      String(config.stack.ports.postgres),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=256MB',
      // Per-statement calls and time (`CREATE EXTENSION pg_stat_statements` to read them):
      // how the benchmarks find where Postgres spends its time.
      '-c',
      'shared_preload_libraries=pg_stat_statements',
    ]);
  },

  async probe(config) {
    const admin = config.postgres.value.replace(/\/[^/]*$/, '/postgres');
    const client = new Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      for (const database of ['chat', 'registry']) {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
          database,
        ]);
        if (rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
      }
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
