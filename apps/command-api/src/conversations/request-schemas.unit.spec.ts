import Ajv from 'ajv';
import type { ZodTypeAny } from 'zod';
import { MAX_SEQ } from '@chat/domain';
import { jsonSchemaOf } from '../http/openapi';
import {
  addMemberBody,
  conversationParams,
  createGroupBody,
  deliveredBody,
  devTokenBody,
  editMessageBody,
  reactionParams,
  readBody,
  sendMessageBody,
} from '@chat/commands';

/**
 * The OpenAPI document says what the validators check: for each sample, the JSON schema in
 * the document (read as OpenAPI tools read it: code points, the `u` flag) accepts exactly what
 * the zod validator accepts.
 */
const ajv = new Ajv({ strict: false, allErrors: true });
const documentAccepts = (schema: ZodTypeAny, value: unknown) =>
  ajv.validate(jsonSchemaOf(schema), value);
const validatorAccepts = (schema: ZodTypeAny, value: unknown) => schema.safeParse(value).success;

const astral = '\u{1F600}'; // one character, two UTF-16 units
const cases: Array<[string, ZodTypeAny, unknown[]]> = [
  [
    'read receipts',
    readBody,
    [
      { upToSeq: 0 },
      { upToSeq: MAX_SEQ },
      { upToSeq: MAX_SEQ + 1 },
      { upToSeq: Number.MAX_SAFE_INTEGER },
      { upToSeq: -1 },
      { upToSeq: 1.5 },
      { upToSeq: '1' },
      {},
      { upToSeq: 1, extra: true },
    ],
  ],
  [
    'delivery receipts',
    deliveredBody,
    [
      { upToSeq: 3, deviceId: 'phone' },
      { upToSeq: 3, deviceId: '' },
      { upToSeq: 3, deviceId: 'a'.repeat(129) },
    ],
  ],
  [
    'groups',
    createGroupBody,
    [
      { title: 'team', members: [] },
      { title: '', members: [] },
      { title: 'x'.repeat(200), members: [] },
      { title: 'x'.repeat(201), members: [] },
      { title: astral.repeat(200), members: ['u1'] },
      { title: astral.repeat(201), members: ['u1'] },
      { title: 'a\u0000b', members: [] },
      { title: 'team', members: ['bad id'] },
    ],
  ],
  [
    'members',
    addMemberBody,
    [{ userId: 'u1' }, { userId: 'u1', role: 'ADMIN' }, { userId: 'u1', role: 'OWNER' }],
  ],
  [
    'sends',
    sendMessageBody,
    [
      { clientMessageId: 'c1', body: 'hi' },
      { clientMessageId: 'c1', body: null },
      { clientMessageId: 'c1', body: `x\u0000` },
      { clientMessageId: 'c1', body: astral.repeat(10) },
      { clientMessageId: 'c1', ciphertext: { algorithm: 'mls-1', data: 'AAE=' } },
      { clientMessageId: 'c1', ciphertext: { algorithm: '', data: 'AAE=' } },
      { clientMessageId: 'c1', ciphertext: { algorithm: 'mls\u0000', data: 'AAE=' } },
      { clientMessageId: 'c1', ciphertext: { algorithm: 'mls-1', data: 'not base64!' } },
      {
        clientMessageId: 'c1',
        kind: 'MEDIA',
        media: { objectKey: 'k', contentType: 'image/png', sizeBytes: 10 },
      },
      {
        clientMessageId: 'c1',
        kind: 'MEDIA',
        media: { objectKey: 'k', contentType: 'image/pñg', sizeBytes: 10 },
      },
      {
        clientMessageId: 'c1',
        kind: 'MEDIA',
        media: { objectKey: 'k', contentType: 'image/png', sizeBytes: Number.MAX_SAFE_INTEGER },
      },
      { body: 'no client id' },
    ],
  ],
  ['edits', editMessageBody, [{ body: 'new' }, { body: '\u0000' }, { body: 'x', extra: 1 }]],
  [
    'reaction paths',
    reactionParams,
    [
      { conversationId: 'c', messageId: 'm', emoji: astral },
      { conversationId: 'c', messageId: 'm', emoji: '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}' },
      { conversationId: 'c', messageId: 'm', emoji: astral.repeat(33) },
      { conversationId: 'c', messageId: 'm', emoji: 'a b' },
      { conversationId: 'c', messageId: 'm', emoji: '\u00A0' },
      { conversationId: 'c', messageId: 'm', emoji: '\uFEFF' },
      { conversationId: 'c', messageId: 'm', emoji: '' },
      { conversationId: 'c', messageId: 'm', emoji: '\u0000' },
    ],
  ],
  [
    'conversation paths',
    conversationParams,
    [{ conversationId: 'group-1' }, { conversationId: 'a/b' }, { conversationId: '' }],
  ],
  [
    'dev tokens',
    devTokenBody,
    [{ userId: 'u' }, { userId: 'u', ttlSeconds: 0 }, { userId: 'u', ttlSeconds: 2592001 }],
  ],
];

describe('the documented schemas', () => {
  it.each(cases)('of %s accept exactly what their validators accept', (_, schema, samples) => {
    const disagreements = samples
      .map((value) => ({
        value,
        document: documentAccepts(schema, value),
        validator: validatorAccepts(schema, value),
      }))
      .filter(({ document, validator }) => document !== validator);
    expect(disagreements).toEqual([]);
  });

  it('refuse what no store can hold: U+0000 in any text field, naming the field', () => {
    const issues = (schema: ZodTypeAny, value: unknown) =>
      schema.safeParse(value).error?.issues.map((issue) => issue.path.join('.'));
    expect(issues(createGroupBody, { title: 'a\u0000', members: [] })).toEqual(['title']);
    expect(issues(sendMessageBody, { clientMessageId: 'c', body: '\u0000' })).toEqual(['body']);
    expect(
      issues(sendMessageBody, {
        clientMessageId: 'c',
        ciphertext: { algorithm: '\u0000', data: '' },
      }),
    ).toEqual(['ciphertext.algorithm']);
  });

  it('refuse a lone surrogate, which the document cannot spell, in the validator', () => {
    expect(validatorAccepts(editMessageBody, { body: 'a\uD800' })).toBe(false);
    expect(validatorAccepts(editMessageBody, { body: `a${astral}` })).toBe(true);
  });

  it('refuse a reaction that is not one emoji, which the document cannot spell, in the validator', () => {
    const accepts = (emoji: string) => {
      const value = { conversationId: 'c', messageId: 'm', emoji };
      return validatorAccepts(reactionParams, value);
    };
    const notOneEmoji = ['a', '+1', 'ok', `${astral}${astral}`, astral.repeat(32), '\u0301', '1'];
    for (const emoji of notOneEmoji) expect([emoji, accepts(emoji)]).toEqual([emoji, false]);
    const oneEmoji = [
      '\u{1F44D}\u{1F3FD}', // thumbs up, medium skin tone
      '\u{1F1EB}\u{1F1F7}', // a flag
      '1\uFE0F\u20E3', // a keycap
      '\u2764\uFE0F', // a heart in emoji style
      '\u{1F469}\u{1F3FB}\u200D\u2764\uFE0F\u200D\u{1F48B}\u200D\u{1F468}\u{1F3FC}', // a kiss
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}', // Scotland
    ];
    for (const emoji of oneEmoji) expect([emoji, accepts(emoji)]).toEqual([emoji, true]);
  });

  it('bound every seq by MAX_SEQ, which every store holds', () => {
    expect(jsonSchemaOf(readBody)).toMatchObject({
      properties: { upToSeq: { type: 'integer', minimum: 0, maximum: MAX_SEQ } },
    });
    expect(validatorAccepts(readBody, { upToSeq: Number.MAX_SAFE_INTEGER })).toBe(false);
  });
});
