import { CLOSE_CODES, refuse } from '@chat/protocol';
import { FrameIntake } from './frame-intake';

const abusive = (reason: string) => ({ close: { code: CLOSE_CODES.abusive, reason } });

describe('frame intake', () => {
  it('reads a valid frame as itself', () => {
    expect(new FrameIntake().read('{"type":"inbox","id":"i"}')).toEqual({
      frame: { type: 'inbox', id: 'i' },
    });
  });

  it('answers what is not a frame with the error that says why, quoting the request id', () => {
    const intake = new FrameIntake();
    expect(intake.read('not json')).toEqual({
      rebuff: {
        error: {
          type: 'error',
          code: 'bad-frame',
          message: 'a frame is one JSON object',
          retriable: false,
        },
      },
    });
    expect(intake.read('{"type":"inbox","id":"i","limit":0}')).toMatchObject({
      rebuff: { error: { type: 'error', id: 'i', code: 'invalid-frame' } },
    });
    expect(intake.read('{"type":"nope","id":"n"}')).toEqual({
      rebuff: {
        error: {
          type: 'error',
          id: 'n',
          code: 'unknown-type',
          message: 'unknown frame type "nope"',
          retriable: false,
        },
      },
    });
  });

  it('closes as abusive at the 21st bad frame in 10 s', () => {
    const intake = new FrameIntake();
    for (let i = 0; i < 20; i++) expect(intake.read('x')).toHaveProperty('rebuff.error');
    expect(intake.read('x')).toEqual({ rebuff: abusive('too many bad frames') });
  });

  it('closes as abusive at the 201st frame refused by a budget in 10 s', () => {
    const intake = new FrameIntake();
    const refusal = refuse('rate-limited', 'too many reads', { retryAfterMs: 50 });
    for (let i = 0; i < 200; i++) {
      expect(intake.refused(`r${i}`, refusal)).toEqual({
        error: {
          type: 'error',
          id: `r${i}`,
          code: 'rate-limited',
          message: 'too many reads',
          retriable: true,
          retryAfterMs: 50,
        },
      });
    }
    expect(intake.refused('last', refusal)).toEqual(abusive('too many frames past the rate limit'));
  });
});
