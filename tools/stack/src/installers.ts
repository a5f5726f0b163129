import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './stack-paths';

/** Installs Debian packages that are missing (apt-get update once, only when needed). */
export function ensureDebianPackages(packages: Record<string, string>): void {
  const missing = Object.entries(packages).filter(([, binary]) => !existsSync(binary));
  if (missing.length === 0) return;
  const names = missing.map(([name]) => name);
  console.log(`installing Debian packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], {
    stdio: 'inherit',
    env,
  });
}

/**
 * Resolves a service's jars with Maven from tools/stack/maven/<service>/pom.xml into the stack
 * dir. ~/.m2 is only a cache. A marker file makes the second run instant.
 */
export function ensureMavenDependencies(service: string, into: string): void {
  const marker = join(into, '.resolved');
  if (existsSync(marker)) return;
  console.log(`resolving ${service} from Maven Central (first run only)`);
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(REPO_ROOT, 'tools', 'stack', 'maven', service, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(into, 'libs')}`,
      '-DincludeScope=runtime',
    ],
    { stdio: 'inherit' },
  );
  writeFileSync(marker, new Date().toISOString());
}

/** Fetches and unpacks one Maven artifact (a distribution archive) into the stack dir. */
export function ensureMavenArchive(artifact: string, into: string): void {
  const marker = join(into, '.resolved');
  if (existsSync(marker)) return;
  console.log(`resolving ${artifact} from Maven Central (first run only)`);
  execFileSync(
    'mvn',
    ['-q', '-B', 'dependency:unpack', `-Dartifact=${artifact}`, `-DoutputDirectory=${into}`],
    { stdio: 'inherit', cwd: into },
  );
  if (readdirSync(into).length === 0) throw new Error(`${artifact} unpacked to nothing`);
  writeFileSync(marker, new Date().toISOString());
}

/** Schemathesis, the OpenAPI fuzzer the command API's contract test runs, pinned. */
export const SCHEMATHESIS = { package: 'schemathesis', version: '4.32.5' } as const;

/**
 * Installs a pinned Python tool from PyPI into its own virtual environment in the stack dir
 * (`<stack>/python/<package>`), so nothing is installed by hand or system-wide. The version
 * recorded in a marker file makes the second run instant and a changed pin reinstall.
 * Returns the path of the tool's executable.
 */
export function ensurePythonTool(
  stackRoot: string,
  tool: { package: string; version: string } = SCHEMATHESIS,
): string {
  const venv = join(stackRoot, 'python', tool.package);
  const executable = join(venv, 'bin', tool.package);
  const marker = join(venv, '.installed');
  const pin = `${tool.package}==${tool.version}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pin && existsSync(executable)) {
    return executable;
  }
  console.log(`installing ${pin} from PyPI into ${venv} (first run only)`);
  mkdirSync(dirname(venv), { recursive: true });
  execFileSync('python3', ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
  execFileSync(
    join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', pin],
    { stdio: 'inherit' },
  );
  writeFileSync(marker, pin);
  return executable;
}
