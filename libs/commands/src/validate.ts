import type { ZodType, ZodTypeDef } from 'zod';
import { isRefusalCode } from '@chat/protocol';
import { refuse } from './problem';

/**
 * Parses input with a schema, or refuses with 400 and one entry per offending field. The code
 * is `invalid-request`, or the one a rule across fields names (`params.code`), so a request
 * refused here is refused with the code its decision would give.
 */
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
  const named = result.error.issues.find(
    (issue) => issue.code === 'custom' && typeof issue.params?.code === 'string',
  );
  const namedCode = named?.code === 'custom' ? named.params?.code : undefined;
  const code = isRefusalCode(namedCode) ? namedCode : 'invalid-request';
  throw refuse(code, `the request ${where} is not valid`, { errors });
}
