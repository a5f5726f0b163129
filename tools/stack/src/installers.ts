import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
