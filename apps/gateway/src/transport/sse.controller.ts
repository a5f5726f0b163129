import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthError, type VerifiedPrincipal } from '@chat/auth';
import { refusalOf, sendProblem } from '@chat/commands';
import { clientFrame, PROTOCOL_VERSION, refuse, type Refusal } from '@chat/protocol';
import type { Gateway } from '../gateway';
import { refusalOfBudget } from '../limits/budgets';
import { tokenOf } from './ws-endpoint';

export const GATEWAY_HOLDER = Symbol('GATEWAY_HOLDER');
export interface GatewayHolder {
  gateway?: Gateway;
  keepAliveMs: number;
  maxBufferedBytes: number;
}

/**
 * The fallback for clients that cannot use WebSocket: the same session over Server-Sent
 * Events, receive only (commands go to the command API over HTTP). Cursors come as JSON in
 * the query, `?cursors={"group-1":41}`, with the same resume: missed items, `synced`, live.
 */
@Controller('v1/stream')
export class SseController {
  constructor(@Inject(GATEWAY_HOLDER) private readonly holder: GatewayHolder) {}

  @Get()
  async stream(@Req() request: Request, @Res() response: Response) {
    const problem = (refusal: Refusal) => sendProblem(response, refusal);
    const gateway = this.holder.gateway;
    if (!gateway) return problem(refuse('starting', 'the gateway is not ready yet'));
    // Listened for from the start: a client gone while its token is checked opens nothing.
    let gone = false;
    request.on('close', () => (gone = true));
    const token = tokenOf(request);
    let principal: VerifiedPrincipal;
    try {
      if (!token) throw new AuthError('missing-token', 'no bearer token');
      principal = await gateway.verifier.verify(token);
    } catch (error) {
      return problem(
        error instanceof AuthError
          ? refusalOf(error)
          : refuse('invalid-token', (error as Error).message),
      );
    }
    if (gone) return;
    const refusal = gateway.connectRefusal(principal);
    if (refusal) return problem(refusalOfBudget(refusal));
    let cursors: Record<string, number>;
    try {
      const raw =
        typeof request.query.cursors === 'string' ? JSON.parse(request.query.cursors) : {};
      const hello = clientFrame.parse({ type: 'hello', v: PROTOCOL_VERSION, cursors: raw });
      cursors = hello.type === 'hello' ? hello.cursors : {};
    } catch {
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
    const session = gateway.openSession(principal, {
      send: (text) => {
        if (response.writableLength > this.holder.maxBufferedBytes) return false;
        response.write(`data: ${text}\n\n`);
        return true;
      },
      close: (code, reason) => {
        response.write(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
        response.end();
      },
    });
    const keepAlive = setInterval(() => {
      response.write(': keep-alive\n\n');
      gateway.heartbeat(session);
    }, this.holder.keepAliveMs);
    request.on('close', () => {
      clearInterval(keepAlive);
      gateway.closeSession(session);
    });
    await session.start(cursors);
  }
}
