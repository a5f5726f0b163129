import { startCommandApi } from '../../../../test/harness/command-api';

describe('the local token route', () => {
  it('does not exist when CHAT_DEV_TOKENS is not set, whatever NODE_ENV is', async () => {
    const api = await startCommandApi({ CHAT_DEV_TOKENS: undefined, NODE_ENV: undefined });
    try {
      const response = await api.request('POST', '/v1/dev/tokens', { body: { userId: 'mallory' } });
      expect(response).toMatchObject({ status: 404, body: { code: 'route-not-found' } });
    } finally {
      await api.close();
    }
  });

  it('mints tokens when CHAT_DEV_TOKENS=on', async () => {
    const api = await startCommandApi({ CHAT_DEV_TOKENS: 'on' });
    try {
      const response = await api.request('POST', '/v1/dev/tokens', { body: { userId: 'dev' } });
      expect(response.status).toBe(201);
    } finally {
      await api.close();
    }
  });
});
