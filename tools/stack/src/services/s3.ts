import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createS3Client } from '@chat/storage';
import type { ServiceDefinition } from '../service';
import { javaBinary } from './java';

/** s3proxy (Apache-2.0) with its filesystem backend: an S3 API over a folder. Java 17. */
export const S3PROXY_VERSION = '4.1.0';
const JAR = `s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar`;

export const s3: ServiceDefinition = {
  name: 's3',
  after: [],
  needsJava: true,
  readyTimeoutMs: 60000,
  external: (config) => config.s3.external,
  ports: (config) => [config.stack.ports.s3],
  address: (config) => config.s3.value || 'AWS S3',

  async install(_config, paths) {
    const into = paths.dist('s3');
    if (existsSync(join(into, JAR))) return;
    console.log(
      `resolving org.gaul:s3proxy:${S3PROXY_VERSION} from Maven Central (first run only)`,
    );
    execFileSync(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy',
        `-Dartifact=org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies`,
        `-DoutputDirectory=${into}`,
      ],
      { stdio: 'inherit', cwd: into },
    );
  },

  async prepare(config, paths) {
    const properties = join(paths.conf('s3'), 's3proxy.properties');
    writeFileSync(
      properties,
      [
        `s3proxy.endpoint=http://127.0.0.1:${config.stack.ports.s3}`,
        's3proxy.authorization=aws-v2-or-v4',
        `s3proxy.identity=${config.s3.accessKeyId}`,
        `s3proxy.credential=${config.s3.secretAccessKey}`,
        // Browsers upload straight to the store with the pre-signed URL.
        's3proxy.cors-allow-all=true',
        'jclouds.provider=filesystem',
        `jclouds.filesystem.basedir=${paths.data('s3')}`,
        '',
      ].join('\n'),
    );
    return {
      command: javaBinary(config),
      args: [
        '-Xms64m',
        '-Xmx256m',
        '-jar',
        join(paths.dist('s3'), JAR),
        '--properties',
        properties,
      ],
      cwd: paths.data('s3'),
    };
  },

  async probe(config) {
    const client = createS3Client(config);
    try {
      await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(2000) });
      return true;
    } finally {
      client.destroy();
    }
  },
};
