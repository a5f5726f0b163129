import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** The JSON schema of a request or response, derived from the zod schema that validates it. */
export const jsonSchemaOf = (schema: ZodTypeAny): Record<string, unknown> =>
  (zodToJsonSchema as (schema: unknown, options: object) => Record<string, unknown>)(schema, {
    target: 'openApi3',
    $refStrategy: 'none',
  });

const problemSchema = {
  type: 'object',
  required: ['status', 'code', 'title', 'detail'],
  properties: {
    status: { type: 'integer' },
    code: { type: 'string' },
    title: { type: 'string' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/**
 * Documents a command route: what it does, its body, that it answers 202 once Kafka has the
 * events, and the refusals it can give. The schemas come from the validators, never by hand.
 */
export function ApiCommand(options: {
  summary: string;
  body?: ZodTypeAny;
  response: ZodTypeAny;
  status?: 200 | 201 | 202;
  refusals: number[];
}) {
  const status = options.status ?? 202;
  return applyDecorators(
    HttpCode(status),
    ApiOperation({ summary: options.summary }),
    ApiBearerAuth(),
    ...(options.body ? [ApiBody({ schema: jsonSchemaOf(options.body) })] : []),
    ApiResponse({
      status,
      description: status === 202 ? 'Accepted: the events are in the log' : 'Done',
      schema: jsonSchemaOf(options.response),
    }),
    ...[400, 401, 429, 503, ...options.refusals].map((refusal) =>
      ApiResponse({
        status: refusal,
        description: 'A problem document naming the reason in `code`',
        content: { 'application/problem+json': { schema: problemSchema } },
      }),
    ),
  );
}
