import { ProblemException } from './problem';
import { SendAdmission } from './send-admission';

it('takes sends up to its bound, then refuses with a retriable 503 until one is answered', () => {
  const admission = new SendAdmission(2);
  const first = admission.take();
  admission.take();
  let refusal: unknown;
  try {
    admission.take();
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(ProblemException);
  expect((refusal as ProblemException).problem).toMatchObject({ status: 503, code: 'overloaded' });
  expect((refusal as ProblemException).headers).toEqual({ 'Retry-After': '1' });

  first();
  expect(() => admission.take()).not.toThrow();
  expect(admission.taken).toBe(2);
});

it('counts a release once, however often it is called', () => {
  const admission = new SendAdmission(1);
  const release = admission.take();
  release();
  release();
  expect(admission.taken).toBe(0);
  admission.take();
  expect(() => admission.take()).toThrow(ProblemException);
});
