import type { NextFunction, Request, Response } from 'express';
import { refuse, sendProblem, type Refusal } from './problem';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body byte for byte: JSON only, at most `maxBytes`, valid UTF-8 (Node would
 * otherwise replace bad bytes silently and the log would hold text nobody sent), parsed with
 * a precise error. Runs before routing, so every route sees a checked `req.body`.
 */
export function jsonBody(maxBytes: number) {
  return (request: Request, response: Response, next: NextFunction) => {
    const declared = request.headers['content-length'];
    const hasBody =
      declared !== undefined
        ? declared !== '0'
        : request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) {
      request.body = undefined;
      return next();
    }
    const answer = (refusal: Refusal) => {
      sendProblem(response, refusal);
      request.resume();
    };
    if (!request.is('application/json')) {
      return answer(refuse('unsupported-media-type', 'send the body as application/json'));
    }
    const tooLarge = () => refuse('payload-too-large', `the body may be at most ${maxBytes} bytes`);
    if (declared !== undefined && Number(declared) > maxBytes) return answer(tooLarge());

    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        return answer(tooLarge());
      }
      chunks.push(chunk);
    });
    request.on('error', () => {
      refused = true;
    });
    request.on('end', () => {
      if (refused) return;
      let text: string;
      try {
        text = strictUtf8.decode(Buffer.concat(chunks));
      } catch {
        return answer(refuse('invalid-utf8', 'the body is not valid UTF-8'));
      }
      try {
        request.body = JSON.parse(text);
      } catch (error) {
        return answer(
          refuse('malformed-json', `the body is not JSON: ${(error as Error).message}`),
        );
      }
      next();
    });
  };
}
