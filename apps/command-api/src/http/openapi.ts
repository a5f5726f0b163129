import { applyDecorators, Body, HttpCode, Param, Query, type PipeTransform } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { AnyZodObject, ZodTypeAny, ZodTypeDef } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { documentedKeywords } from '@chat/protocol';
import { problemDocument } from './problem';
import { validate } from '@chat/commands';

/** The JSON schema of a request or response, derived from the zod schema that validates it. */
export const jsonSchemaOf = (schema: ZodTypeAny): SchemaObject => {
  const json = (zodToJsonSchema as (schema: unknown, options: object) => Record<string, unknown>)(
    schema,
    {
      target: 'openApi3',
      $refStrategy: 'none',
      postProcess: (part: object | undefined, def: ZodTypeDef) =>
        part && { ...part, ...documentedKeywords(def) },
    },
  );
  // The dialect is the document's (OpenAPI 3.0), not a JSON Schema draft.
  delete json.$schema;
  return json as SchemaObject;
};

/** A pipe that parses its argument with a schema, or refuses with 400 naming each field. */
const parsing = (schema: ZodTypeAny, where: 'body' | 'path' | 'query'): PipeTransform => ({
  transform: (value: unknown) => validate(schema, value, where),
});

/**
 * The path parameters of a route: validated by `schema` and declared in the OpenAPI document
 * from the same schema, one parameter per field.
 */
export function PathParams(schema: AnyZodObject): ParameterDecorator {
  return (target, key, index) => {
    Param(parsing(schema, 'path'))(target, key, index);
    const method = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key === undefined || !method) throw new Error('@PathParams decorates a route handler');
    for (const [name, field] of Object.entries(schema.shape as Record<string, ZodTypeAny>)) {
      ApiParam({ name, required: true, schema: jsonSchemaOf(field) })(target, key, method);
    }
  };
}

/** The query parameters of a read: validated by `schema`, documented from it, each optional or not as it says. */
export function QueryParams(schema: AnyZodObject): ParameterDecorator {
  return (target, key, index) => {
    Query(parsing(schema, 'query'))(target, key, index);
    const method = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key === undefined || !method) throw new Error('@QueryParams decorates a route handler');
    for (const [name, field] of Object.entries(schema.shape as Record<string, ZodTypeAny>)) {
      ApiQuery({ name, required: !field.isOptional(), schema: jsonSchemaOf(field) })(
        target,
        key,
        method,
      );
    }
  };
}

/** The JSON body of a route: validated by `schema` and documented from the same schema. */
export function JsonBody(schema: ZodTypeAny): ParameterDecorator {
  return (target, key, index) => {
    Body(parsing(schema, 'body'))(target, key, index);
    const method = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key === undefined || !method) throw new Error('@JsonBody decorates a route handler');
    ApiBody({ schema: jsonSchemaOf(schema), required: true })(target, key, method);
  };
}

const PROBLEM_SCHEMA = jsonSchemaOf(problemDocument);

/**
 * Refusals any route can give: a body that is not JSON, too large or invalid (400, 413, 415),
 * no valid token (401), no budget (429), a dependency down or too many sends in flight (503).
 */
const EVERY_ROUTE = [400, 401, 413, 415, 429, 503];

/**
 * Documents a command route: what it does, that it answers 202 once Kafka has the events
 * (or `statuses`), and the refusals it can give, each with the problem schema. The schemas
 * come from the validators, never by hand; bodies and path parameters are documented by
 * @JsonBody and @PathParams.
 */
export function ApiCommand(options: {
  summary: string;
  response: ZodTypeAny;
  statuses?: Array<200 | 201 | 202>;
  refusals: number[];
  public?: boolean;
}) {
  const statuses = options.statuses ?? [202];
  const refusals = [...new Set([...EVERY_ROUTE, ...options.refusals])]
    .filter((status) => !(options.public && status === 401))
    .sort();
  return applyDecorators(
    HttpCode(statuses[statuses.length - 1]!),
    ApiOperation({ summary: options.summary }),
    ...(options.public ? [] : [ApiBearerAuth()]),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description:
          status === 202
            ? 'Accepted: the events are in the log'
            : status === 200
              ? 'Nothing new: it was already so'
              : 'Done',
        content: { 'application/json': { schema: jsonSchemaOf(options.response) } },
      }),
    ),
    ...refusals.map((refusal) =>
      ApiResponse({
        status: refusal,
        description: 'A problem document naming the reason in `code`',
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
      }),
    ),
  );
}

/** Documents a read route: 200 with `response`, and the refusals it can give. */
export function ApiRead(options: { summary: string; response: ZodTypeAny; refusals: number[] }) {
  const refusals = [...new Set([400, 401, 429, 503, ...options.refusals])].sort();
  return applyDecorators(
    HttpCode(200),
    ApiOperation({ summary: options.summary }),
    ApiBearerAuth(),
    ApiResponse({
      status: 200,
      description: 'What the reader may see',
      content: { 'application/json': { schema: jsonSchemaOf(options.response) } },
    }),
    ...refusals.map((refusal) =>
      ApiResponse({
        status: refusal,
        description: 'A problem document naming the reason in `code`',
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
      }),
    ),
  );
}
