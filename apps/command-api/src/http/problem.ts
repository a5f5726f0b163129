import type { Response } from 'express';
import type { ProblemException } from '@chat/commands';

export { problem, problemDocument, ProblemException, type Problem } from '@chat/commands';

export function sendProblem(response: Response, exception: ProblemException): void {
  for (const [name, value] of Object.entries(exception.headers)) response.setHeader(name, value);
  response
    .status(exception.problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(exception.problem));
}
