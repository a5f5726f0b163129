import { httpProblem } from '@chat/protocol';
import { Refusal } from './problem';
import { SendAdmission } from './send-admission';

const refusalOf = (take: () => unknown) => {
  try {
    take();
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('the send was taken');
};

it('takes sends up to its bound, then refuses with a retriable 503 until one is answered', () => {
  const admission = new SendAdmission(2);
  const first = admission.take('alice');
  admission.take('bob');
  const refusal = refusalOf(() => admission.take('carol'));
  expect(refusal).toBeInstanceOf(Refusal);
  const { body, headers } = httpProblem(refusal);
  expect(body).toMatchObject({ status: 503, code: 'overloaded', retriable: true });
  expect(headers).toEqual({ 'Retry-After': '1' });

  first();
  expect(() => admission.take('carol')).not.toThrow();
  expect(admission.taken).toBe(2);
});

it('counts a release once, however often it is called', () => {
  const admission = new SendAdmission(1);
  const release = admission.take('alice');
  release();
  release();
  expect(admission.taken).toBe(0);
  admission.take('alice');
  expect(() => admission.take('alice')).toThrow(Refusal);
});

it('holds one user to their share, so the places left stay for the others', () => {
  // 10 places, 3 per user: alice pipelining 3,000 sends holds 3; bob still gets his.
  const admission = new SendAdmission(10, 3);
  const refused = Array.from({ length: 3000 }, () => {
    try {
      admission.take('alice');
      return null;
    } catch (error) {
      return (error as Refusal).code;
    }
  }).filter((code) => code !== null);
  expect(refused).toHaveLength(3000 - 3);
  expect(new Set(refused)).toEqual(new Set(['rate-limited']));
  expect(admission.takenBy('alice')).toBe(3);
  for (let i = 0; i < 3; i++) expect(() => admission.take('bob')).not.toThrow();
  expect(admission.taken).toBe(6);
});
