import { z } from 'zod';
import type { EnvSchema } from './env-schema';
import { LOCAL_STACK_PORTS, type LocalStackPort } from './local-stack-ports';

export interface ServiceEndpoint<T> {
  /** Where clients connect. */
  value: T;
  /** True when the address came from the environment: an existing server, not provisioned here. */
  external: boolean;
}

/**
 * The address in `name` (checked by `given`, turned into the client's form by `parse`), or,
 * when it is unset or empty, the local stack's on the port in `localPort`.
 */
export function serviceEndpoint<T>(options: {
  name: string;
  given: z.ZodType<string>;
  parse: (given: string) => T;
  localPort: LocalStackPort;
  local: (port: number) => T;
}): EnvSchema<ServiceEndpoint<T>> {
  const { name, given, parse, localPort, local } = options;
  return z
    .object({ [name]: given.optional(), [localPort]: LOCAL_STACK_PORTS[localPort] })
    .transform((env) => {
      const address = env[name] as string | undefined;
      return address === undefined || address === ''
        ? { value: local(env[localPort] as number), external: false }
        : { value: parse(address), external: true };
    });
}

/** A URL without the trailing slashes, so paths can be appended to it. */
export const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');
