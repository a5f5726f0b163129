import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthError, type TokenVerifier, type VerifiedPrincipal } from '@chat/auth';
import { refusalOf, sendProblem } from '@chat/commands';
import type { Config } from '@chat/config';
import { CONFIG, TOKEN_VERIFIER } from '@chat/platform';
import { clientFrame, PROTOCOL_VERSION, refuse, type Refusal } from '@chat/protocol';
import { tokenOf } from '../auth/bearer-token';
import { refusalOfBudget } from '../limits/budgets';
import { SessionRegistry } from '../sessions/session-registry';
import { sseTransport } from './sse-transport';

/**
 * The fallback for clients that cannot use WebSocket: the same session over Server-Sent
 * Events, receive only (commands go to the command API over HTTP). Cursors come as JSON in
 * the query, `?cursors={"group-1":41}`, with the same resume: missed items, `synced`, live.
 */
@Controller('v1/stream')
export class SseController {
  constructor(
    @Inject(SessionRegistry) private readonly sessions: SessionRegistry,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get()
  async stream(@Req() request: Request, @Res() response: Response) {
    const problem = (refusal: Refusal) => sendProblem(response, refusal);
    // Listened for from the start: a client gone while its token is checked opens nothing.
    let gone = false;
    request.on('close', () => (gone = true));
    const token = tokenOf(request);
    let principal: VerifiedPrincipal;
    try {
      if (!token) throw new AuthError('missing-token', 'no bearer token');
      principal = await this.verifier.verify(token);
    } catch (error) {
      return problem(
        error instanceof AuthError
          ? refusalOf(error)
          : refuse('invalid-token', (error as Error).message),
      );
    }
    if (gone) return;
    const refusal = this.sessions.connectRefusal(principal);
    if (refusal) return problem(refusalOfBudget(refusal));
    const cursors = cursorsOf(request);
    if (!cursors) {
      return problem(
        refuse('invalid-cursors', 'cursors must be a JSON object of conversation id to seq'),
      );
    }

    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const { pingIntervalMs, maxBufferedBytes } = this.config.gateway;
    const session = this.sessions.open(principal, sseTransport(response, maxBufferedBytes));
    const keepAlive = setInterval(() => {
      response.write(': keep-alive\n\n');
      this.sessions.heartbeat(session);
    }, pingIntervalMs);
    request.on('close', () => {
      clearInterval(keepAlive);
      this.sessions.close(session);
    });
    await session.start(cursors);
  }
}

/** The cursors of the query, checked as a hello's are; null when they are not valid. */
function cursorsOf(request: Request): Record<string, number> | null {
  try {
    const raw = typeof request.query.cursors === 'string' ? JSON.parse(request.query.cursors) : {};
    const hello = clientFrame.parse({ type: 'hello', v: PROTOCOL_VERSION, cursors: raw });
    return hello.type === 'hello' ? hello.cursors : {};
  } catch {
    return null;
  }
}
