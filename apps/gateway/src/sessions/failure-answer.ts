import { commandProblem } from '@chat/commands';
import { ViewError } from '@chat/views';
import type { ErrorAnswer } from './frame-intake';

/**
 * What an `error` frame says about a frame that failed, and whether it was a rate limit (which
 * counts toward the refused-frame window); null for a failure nobody expected (a server fault).
 * A refusal reads as it does over HTTP: the problem's code, and a dependency that is down
 * (Kafka, the views, Redis) is a retriable 503 code, never a result.
 */
export function failureAnswer(
  error: unknown,
): { answer: ErrorAnswer; rateLimited: boolean } | null {
  if (error instanceof ViewError) {
    return { answer: { code: error.code, message: error.message }, rateLimited: false };
  }
  const refusal = commandProblem(error);
  if (!refusal) return null;
  const { code, detail } = refusal.problem;
  // When to try again, as HTTP's Retry-After says it (a 429, an overload).
  const retryAfter = Number(refusal.headers['Retry-After']);
  return {
    answer: {
      code,
      message: detail,
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    },
    rateLimited: refusal.problem.status === 429,
  };
}

/** The answer to a server fault: nothing of it is the client's business. */
export const SERVER_FAULT: ErrorAnswer = {
  code: 'internal',
  message: 'the server could not do this; try again',
};
