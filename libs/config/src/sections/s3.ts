import { z } from 'zod';
import { merged, section, variable } from '../env-schema';
import { LOCAL_STACK_PORTS } from '../local-stack-ports';
import { withoutTrailingSlash } from '../service-endpoint';

/**
 * Where the store is and how it is addressed, from several variables together. Unset, the local
 * stack's s3proxy on CHAT_S3_PORT. In production set S3_ENDPOINT (or leave it empty with
 * S3_USE_AWS=on for AWS itself); path-style addressing is for s3proxy and MinIO.
 */
const s3Addressing = z
  .object({
    S3_ENDPOINT: z.string().url().optional(),
    /** Where clients reach the store, when not at S3_ENDPOINT (containers): URLs are signed for it. */
    S3_PUBLIC_ENDPOINT: z.string().url().optional(),
    S3_USE_AWS: z.enum(['on', 'off']).default('off'),
    S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
    CHAT_S3_PORT: LOCAL_STACK_PORTS.CHAT_S3_PORT,
  })
  .transform((env) => {
    const aws = env.S3_USE_AWS === 'on';
    const local = `http://127.0.0.1:${env.CHAT_S3_PORT}`;
    const given = env.S3_ENDPOINT === undefined ? undefined : withoutTrailingSlash(env.S3_ENDPOINT);
    return {
      /** The endpoint URL, or '' for AWS's own regional endpoints. */
      value: given ?? (aws ? '' : local),
      external: given !== undefined || aws,
      /** The endpoint pre-signed URLs name: the same as value unless S3_PUBLIC_ENDPOINT is set. */
      publicEndpoint: withoutTrailingSlash(
        env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT ?? (aws ? '' : local),
      ),
      forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE === 'true' : !aws,
    };
  });

/** Object storage for media: any S3 API. */
export const s3Settings = merged(
  s3Addressing,
  section({
    region: variable('S3_REGION', z.string().default('us-east-1')),
    bucket: variable(
      'S3_BUCKET',
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
        .default('chat-media'),
    ),
    accessKeyId: variable('S3_ACCESS_KEY_ID', z.string().default('local-identity')),
    secretAccessKey: variable('S3_SECRET_ACCESS_KEY', z.string().default('local-credential')),
  }),
);
