import {
  checksumOf,
  pendingMigrations,
  splitStatements,
  type MigrationFile,
} from './migration-files';

const file = (version: number, text: string): MigrationFile => ({
  version,
  name: `m${version}`,
  checksum: checksumOf(text),
  statements: splitStatements(text),
});

describe('migration files', () => {
  it('should split statements at line-ending semicolons and drop comments', () => {
    expect(
      splitStatements('-- why\nCREATE TABLE a (x int);\n\nCREATE INDEX i ON a (x);\n'),
    ).toEqual(['CREATE TABLE a (x int)', 'CREATE INDEX i ON a (x)']);
  });

  it('should return only the migrations not applied yet, in order', () => {
    const files = [file(1, 'a;'), file(2, 'b;'), file(3, 'c;')];
    const applied = new Map([[1, checksumOf('a;')]]);
    expect(pendingMigrations(files, applied, 'postgres').map((m) => m.version)).toEqual([2, 3]);
  });

  it('should name an applied migration whose file changed', () => {
    const applied = new Map([[1, checksumOf('a;')]]);
    expect(() => pendingMigrations([file(1, 'a2;')], applied, 'postgres')).toThrow(
      /postgres migration 0001_m1 changed after it was applied/,
    );
  });
});
