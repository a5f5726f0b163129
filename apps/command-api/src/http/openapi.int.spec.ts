import { startCommandApi } from '../../../../test/harness/command-api';

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
          'GET /health/live',
          'GET /health/ready',
          'GET /metrics',
        ].sort(),
      );
      const send = body.paths['/v1/conversations/{conversationId}/messages'].post;
      const schema = send.requestBody.content['application/json'].schema;
      expect(schema).toMatchObject({ additionalProperties: false, required: ['clientMessageId'] });
      expect(Object.keys(schema.properties)).toEqual(
        expect.arrayContaining(['clientMessageId', 'body', 'replyTo', 'ciphertext', 'media']),
      );
      expect(Object.keys(send.responses)).toEqual(
        expect.arrayContaining(['202', '400', '401', '403', '404', '409', '429', '503']),
      );
    } finally {
      await api.close();
    }
  });
});

describe('local tokens', () => {
  it('are minted over HTTP in development and work on the API', async () => {
    const api = await startCommandApi();
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
      await api.close();
    }
  });

  it('cannot be minted in production: the route does not exist', async () => {
    const api = await startCommandApi({
      NODE_ENV: 'production',
      CHAT_JWT_SECRET: 'a-production-secret-0123456789',
    });
    try {
      const response = await api.request('POST', '/v1/dev/tokens', { body: { userId: 'mallory' } });
      expect(response).toMatchObject({ status: 404, body: { code: 'route-not-found' } });
    } finally {
      await api.close();
    }
  });
});
