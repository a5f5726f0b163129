import { z } from 'zod';

/**
 * The error body of every refusal (RFC 9457 problem details, plus a stable `code`): clients
 * branch on `code`, people read `detail`. The OpenAPI document declares it from this schema.
 */
export const problemDocument = z
  .object({
    status: z.number().int().min(400).max(599),
    code: z.string(),
    title: z.string(),
    detail: z.string(),
    /** Field-level issues of an invalid request. */
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }).strict())
      .optional()
      .describe('Field-level issues of an invalid request'),
  })
  .strict();

export type Problem = z.infer<typeof problemDocument>;

export class ProblemException extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = 'ProblemException';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): ProblemException {
  return new ProblemException(
    { status, code, title: TITLES[status] ?? 'Error', detail, ...extra },
    headers,
  );
}
