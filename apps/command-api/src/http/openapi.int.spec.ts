import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZodTypeAny } from 'zod';
import { eventLogFixture } from '@chat/events/testing';
import { startCommandApi } from '../../../../test/harness/command-api';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { conversationParams, memberParams, messageParams, reactionParams } from '@chat/commands';
import { TEST_OWN_VAPID_ENV } from '@chat/config';
import { jsonSchemaOf } from './openapi';
import { problemDocument } from './problem';
import { startTogether } from '../../../../test/harness/start-together';

type Operation = {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

/** Every operation of the served document, as `METHOD /path` with its object. */
function operationsOf(document: { paths: Record<string, Record<string, Operation>> }) {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
}

/** Validates a document against the OpenAPI 3 specification's own schema. */
function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = join(__dirname, '../../../../node_modules/.bin/validate-api');
    return JSON.parse(execFileSync(cli, [file], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMMAND_PATHS = /^\/v1\//;

describe('the OpenAPI document, generated from the validators', () => {
  let document: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    const api = await startCommandApi();
    try {
      document = (await api.request('GET', '/openapi.json')).body;
    } finally {
      await api.close();
    }
  });

  it('is valid OpenAPI 3', () => {
    expect(validateOpenApi(document)).toEqual({ valid: true });
  });

  it('declares every path parameter of every operation, required, with its validator', () => {
    const byName: Record<string, ZodTypeAny> = {
      ...conversationParams.shape,
      ...memberParams.shape,
      ...messageParams.shape,
      ...reactionParams.shape,
    };
    const undeclared = operationsOf(document).flatMap(({ path, method, operation }) => {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      return [
        ...templated
          .filter((name) => !declared.some((p) => p.name === name && p.required))
          .map((name) => `${method.toUpperCase()} ${path}: {${name}} not declared`),
        ...declared
          .filter((p) => !templated.includes(p.name))
          .map((p) => `${method.toUpperCase()} ${path}: ${p.name} is not in the path`),
        ...declared
          .filter((p) => JSON.stringify(p.schema) !== JSON.stringify(jsonSchemaOf(byName[p.name]!)))
          .map((p) => `${method.toUpperCase()} ${path}: ${p.name} differs from its validator`),
      ];
    });
    expect(undeclared).toEqual([]);
    const react =
      document.paths['/v1/conversations/{conversationId}/messages/{messageId}/reactions/{emoji}']!
        .put!;
    expect(react.parameters!.map((p) => p.name)).toEqual(['conversationId', 'messageId', 'emoji']);
  });

  it('gives every command response a schema, and every refusal the problem schema', () => {
    const problem = jsonSchemaOf(problemDocument);
    const missing = operationsOf(document)
      .filter(({ path }) => COMMAND_PATHS.test(path))
      .flatMap(({ path, method, operation }) =>
        Object.entries(operation.responses).flatMap(([status, response]) => {
          const where = `${method.toUpperCase()} ${path} ${status}`;
          if (Number(status) < 400) {
            return response.content?.['application/json']?.schema ? [] : [`${where}: no schema`];
          }
          const schema = response.content?.['application/problem+json']?.schema;
          return JSON.stringify(schema) === JSON.stringify(problem)
            ? []
            : [`${where}: not a problem`];
        }),
      );
    expect(missing).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('is generated from the code and lists every command with its body schema', async () => {
    const api = await startCommandApi();
    try {
      const { status, body } = await api.request('GET', '/openapi.json');
      expect(status).toBe(200);
      const operations = Object.entries(
        body.paths as Record<string, Record<string, unknown>>,
      ).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(
        [
          'POST /v1/conversations/direct',
          'POST /v1/conversations/groups',
          'POST /v1/conversations/{conversationId}/members',
          'DELETE /v1/conversations/{conversationId}/members/{userId}',
          'PUT /v1/conversations/{conversationId}/members/{userId}/role',
          'POST /v1/conversations/{conversationId}/leave',
          'POST /v1/conversations/{conversationId}/messages',
          'PATCH /v1/conversations/{conversationId}/messages/{messageId}',
          'DELETE /v1/conversations/{conversationId}/messages/{messageId}',
          'PUT /v1/conversations/{conversationId}/messages/{messageId}/reactions/{emoji}',
          'DELETE /v1/conversations/{conversationId}/messages/{messageId}/reactions/{emoji}',
          'POST /v1/conversations/{conversationId}/delivered',
          'POST /v1/conversations/{conversationId}/read',
          'POST /v1/dev/tokens',
          'PUT /v1/me/presence-settings',
          'PUT /v1/me/push-subscription',
          'DELETE /v1/me/push-subscription',
          'PUT /v1/conversations/{conversationId}/mute',
          'GET /v1/push/vapid-public-key',
          'POST /v1/media/uploads',
          'GET /v1/conversations/{conversationId}/messages/{messageId}/media',
          'GET /health/live',
          'GET /health/ready',
          'GET /metrics',
          'GET /v1/inbox',
          'GET /v1/conversations/{conversationId}/members',
          'GET /v1/conversations/{conversationId}/history',
          'GET /v1/conversations/{conversationId}/sync',
          'GET /v1/conversations/{conversationId}/messages/{messageId}/receipt',
          'GET /v1/search',
        ].sort(),
      );
      const send = body.paths['/v1/conversations/{conversationId}/messages'].post;
      const schema = send.requestBody.content['application/json'].schema;
      expect(schema).toMatchObject({ additionalProperties: false, required: ['clientMessageId'] });
      expect(Object.keys(schema.properties)).toEqual(
        expect.arrayContaining([
          'clientMessageId',
          'body',
          'replyTo',
          'ciphertext',
          'media',
          'mediaId',
        ]),
      );
      expect(Object.keys(send.responses)).toEqual(
        expect.arrayContaining(['202', '400', '401', '403', '404', '409', '429', '503']),
      );
    } finally {
      await api.close();
    }
  });

  it('admits only what the API accepts: what a send carries, distinct members, allowed media types', async () => {
    const api = await startCommandApi({ CHAT_MEDIA_TYPES: 'image/png,video/mp4' });
    try {
      const { body } = await api.request('GET', '/openapi.json');
      const bodyOf = (path: string, method: string) =>
        body.paths[path][method].requestBody.content['application/json'].schema;
      const send = bodyOf('/v1/conversations/{conversationId}/messages', 'post');
      // An upload, or a text message with a body or a ciphertext; never a bare client id.
      expect(send.anyOf.map((rule: object) => JSON.stringify(rule))).toEqual([
        expect.stringContaining('"required":["mediaId"]'),
        expect.stringContaining('"required":["body"]'),
        expect.stringContaining('"required":["ciphertext"]'),
      ]);
      expect(
        bodyOf('/v1/conversations/{conversationId}/messages/{messageId}', 'patch').anyOf,
      ).toHaveLength(2);
      expect(bodyOf('/v1/conversations/groups', 'post').properties.members.uniqueItems).toBe(true);
      expect(bodyOf('/v1/media/uploads', 'post').properties.contentType.enum).toEqual([
        'image/png',
        'video/mp4',
      ]);
    } finally {
      await api.close();
    }
  });

  it('answers 405 with Allow for a method a documented path does not declare, TRACE included', async () => {
    const api = await startCommandApi();
    try {
      for (const [method, path, allow] of [
        ['TRACE', '/v1/inbox', 'GET, HEAD'],
        ['PUT', '/v1/conversations/c-1/messages', 'POST'],
        ['GET', '/v1/conversations/c-1/leave', 'POST'],
      ] as const) {
        const answer = await rawRequest(api.baseUrl, method, path);
        expect([method, path, answer.status, answer.allow, answer.body.code]).toEqual([
          method,
          path,
          405,
          allow,
          'method-not-allowed',
        ]);
      }
      expect((await rawRequest(api.baseUrl, 'TRACE', '/v1/nothing-here')).status).toBe(404);
    } finally {
      await api.close();
    }
  });
});

/** A request by node:http, which sends any method (fetch refuses TRACE). */
function rawRequest(baseUrl: string, method: string, path: string) {
  return new Promise<{ status: number; allow: string | undefined; body: { code?: string } }>(
    (resolve, reject) => {
      const outgoing = request(`${baseUrl}${path}`, { method }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            allow: response.headers.allow,
            body: text ? (JSON.parse(text) as { code?: string }) : {},
          }),
        );
      });
      outgoing.on('error', reject);
      outgoing.end();
    },
  );
}

describe('local tokens', () => {
  it('are minted over HTTP in development and work on the API', async () => {
    const { config, logger, kafka } = eventLogFixture('openapi-local-tokens');
    // The refusal below waits for the membership view to catch up: it must be projected.
    const [api, projector] = await startTogether([
      startCommandApi(),
      startInboxProjector(config, kafka, logger),
    ]);
    try {
      const minted = await api.request('POST', '/v1/dev/tokens', {
        body: { userId: 'dev-user', deviceId: 'cli' },
      });
      expect(minted.status).toBe(201);
      const refused = await api.request('POST', '/v1/conversations/none/read', {
        token: minted.body.token,
        body: { upToSeq: 1 },
      });
      expect(refused.body.code).toBe('conversation-not-found');
    } finally {
      await Promise.all([api.close(), projector.stop()]);
    }
  });

  it('cannot be minted in a deployment: the route does not exist', async () => {
    const api = await startCommandApi({
      CHAT_ENVIRONMENT: 'deployed',
      CHAT_JWT_SECRET: 'a-production-secret-0123456789',
      ...TEST_OWN_VAPID_ENV,
    });
    try {
      const response = await api.request('POST', '/v1/dev/tokens', { body: { userId: 'mallory' } });
      expect(response).toMatchObject({ status: 404, body: { code: 'route-not-found' } });
    } finally {
      await api.close();
    }
  });
});
