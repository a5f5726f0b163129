import { MAX_SEQ } from '@chat/domain';
import { eventLogFixture } from '@chat/events/testing';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { startTogether } from '../../../../test/harness/start-together';

/**
 * Input a store cannot hold is refused at the API, before anything reaches the log: a 400
 * naming the field, never a 202 that one projection later cannot apply, nor a 500.
 */
const { config, logger, kafka } = eventLogFixture('storable-input');
let api: CommandApi;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;
beforeAll(async () => {
  // A refusal is only an answer once the membership view has caught up: it must be projected.
  [api, projector] = await startTogether([
    startCommandApi(),
    startInboxProjector(config, kafka, logger),
  ]);
});
afterAll(() => Promise.all([api?.close(), projector?.stop()]));

const invalidFields = (response: { body: { errors?: Array<{ path: string }> } }) =>
  response.body.errors?.map((error) => error.path);

describe('input the stores cannot hold', () => {
  it('a receipt up to seq 2^53 - 1 is a 400 naming upToSeq, not a 500', async () => {
    const alice = await api.as('storable-alice');
    for (const route of ['read', 'delivered']) {
      const response = await alice.post(`/v1/conversations/group-x/${route}`, {
        upToSeq: Number.MAX_SAFE_INTEGER,
      });
      expect({ status: response.status, fields: invalidFields(response) }).toEqual({
        status: 400,
        fields: ['body.upToSeq'],
      });
    }
  });

  it('a receipt up to MAX_SEQ is valid (refused only because the conversation is unknown)', async () => {
    const alice = await api.as('storable-alice');
    const response = await alice.post('/v1/conversations/group-x/read', { upToSeq: MAX_SEQ });
    expect(response.body.code).toBe('conversation-not-found');
  });

  const UPLOAD_ID = '00000000-0000-4000-8000-000000000001';

  it('a media size the event log cannot encode is a 400 naming sizeBytes', async () => {
    const alice = await api.as('storable-alice');
    const response = await alice.post('/v1/conversations/group-x/messages', {
      clientMessageId: 'm1',
      kind: 'MEDIA',
      // With an upload's id, so the size is the one thing wrong.
      mediaId: UPLOAD_ID,
      media: { objectKey: 'k', contentType: 'image/png', sizeBytes: Number.MAX_SAFE_INTEGER },
    });
    expect(invalidFields(response)).toEqual(['body.media.sizeBytes']);
  });

  it.each([
    [
      'a message body',
      '/v1/conversations/group-x/messages',
      { clientMessageId: 'm', body: 'a\u0000' },
      'body.body',
    ],
    ['an edit', '/v1/conversations/group-x/messages/m', { body: '\u0000' }, 'body.body'],
    ['a group title', '/v1/conversations/groups', { title: 'a\u0000b', members: [] }, 'body.title'],
    [
      'a ciphertext algorithm',
      '/v1/conversations/group-x/messages',
      { clientMessageId: 'm', ciphertext: { algorithm: 'x\u0000', data: '' } },
      'body.ciphertext.algorithm',
    ],
    [
      'a media key',
      '/v1/conversations/group-x/messages',
      {
        clientMessageId: 'm',
        kind: 'MEDIA',
        mediaId: UPLOAD_ID,
        media: { objectKey: '\u0000', contentType: 'image/png', sizeBytes: 1 },
      },
      'body.media.objectKey',
    ],
  ])('U+0000 in %s is a 400 naming the field', async (_, path, body, field) => {
    const alice = await api.as('storable-alice');
    const response = await (path.endsWith('/m') ? alice.patch : alice.post)(path, body);
    expect({ status: response.status, fields: invalidFields(response) }).toEqual({
      status: 400,
      fields: [field],
    });
  });

  it('U+0000 in a reaction in the path is a 400 naming the emoji', async () => {
    const alice = await api.as('storable-alice');
    const response = await alice.put('/v1/conversations/group-x/messages/m/reactions/%00');
    expect(invalidFields(response)).toEqual(['path.emoji']);
  });
});
