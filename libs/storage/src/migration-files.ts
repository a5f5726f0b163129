import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A versioned migration file: migrations/<store>/<NNNN>_<name>.<ext>. */
export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

export const MIGRATIONS_ROOT = resolve(__dirname, '..', '..', '..', 'migrations');

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.(sql|cql)$/;

/** Splits on `;` at the end of a line; comments (-- ...) are dropped. */
export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export function checksumOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((file) => FILE_NAME.test(file))
    .sort();
  const migrations = files.map((file) => {
    const [, version, name] = FILE_NAME.exec(file)!;
    const text = readFileSync(join(dir, file), 'utf8');
    return {
      version: Number(version),
      name: name!,
      checksum: checksumOf(text),
      statements: splitStatements(text),
    };
  });
  migrations.forEach((migration, i) => {
    if (i > 0 && migration.version === migrations[i - 1]!.version) {
      throw new Error(`two migrations have version ${migration.version} in ${dir}`);
    }
  });
  return migrations;
}

/** Applied versions must still match their files: history is never rewritten. */
export function pendingMigrations(
  files: MigrationFile[],
  applied: Map<number, string>,
  store: string,
): MigrationFile[] {
  for (const file of files) {
    const checksum = applied.get(file.version);
    if (checksum !== undefined && checksum !== file.checksum) {
      throw new Error(
        `${store} migration ${String(file.version).padStart(4, '0')}_${file.name} changed after it was applied (checksum ${checksum} -> ${file.checksum}); add a new migration instead`,
      );
    }
  }
  return files.filter((file) => !applied.has(file.version));
}
