import { httpProblem, type Refusal } from '@chat/protocol';

export {
  problemDocument,
  refuse,
  Refusal,
  type Problem,
  type RefusalCode,
  type RefusalOptions,
} from '@chat/protocol';

/** What a problem is written to: Express's response, or anything shaped like it. */
export interface ProblemResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): ProblemResponse;
  type(type: string): ProblemResponse;
  send(body: object): unknown;
}

/** Writes a refusal as its HTTP problem (see `httpProblem`): status, headers and body. */
export function sendProblem(response: ProblemResponse, refusal: Refusal): void {
  const { status, headers, body } = httpProblem(refusal);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  // An object: Express writes it as JSON and keeps the problem's content type.
  response.status(status).type('application/problem+json').send(body);
}
