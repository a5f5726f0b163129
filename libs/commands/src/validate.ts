import type { ZodType, ZodTypeDef } from 'zod';
import { problem } from './problem';

/** Parses input with a schema, or refuses with 400 and one entry per offending field. */
export function validate<T>(
  schema: ZodType<T, ZodTypeDef, unknown>,
  input: unknown,
  where = 'body',
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path].join('.'),
    message: issue.message,
  }));
  throw problem(400, 'invalid-request', `the request ${where} is not valid`, { errors });
}
