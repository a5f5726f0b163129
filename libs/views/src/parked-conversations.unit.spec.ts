import { resumeDue, type ParkedConversation } from './parked-conversations';

const parked = (over: Partial<ParkedConversation>): ParkedConversation => ({
  projection: 'inbox_v1',
  conversationId: 'c',
  topic: 't',
  partition: 0,
  firstHeldOffset: 7n,
  reason: 'refused',
  parkedAt: new Date(0),
  resumeRequestedAt: null,
  attemptedAt: null,
  ...over,
});

describe('a parked conversation', () => {
  it('is not resumed until someone asks', () => {
    expect(resumeDue(parked({}))).toBe(false);
  });

  it('is resumed once asked', () => {
    expect(resumeDue(parked({ resumeRequestedAt: new Date(5) }))).toBe(true);
  });

  it('is not tried again after a refused attempt until asked again', () => {
    const refused = parked({ resumeRequestedAt: new Date(5), attemptedAt: new Date(6) });
    expect(resumeDue(refused)).toBe(false);
    expect(resumeDue({ ...refused, resumeRequestedAt: new Date(7) })).toBe(true);
  });
});
