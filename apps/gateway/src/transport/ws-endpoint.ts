import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuthError, type TokenVerifier, type VerifiedPrincipal } from '@chat/auth';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { CONFIG, LOGGER, TOKEN_VERIFIER } from '@chat/platform';
import { CLOSE_CODES, httpProblem } from '@chat/protocol';
import { tokenOf } from '../auth/bearer-token';
import { refusalOfBudget } from '../limits/budgets';
import { SessionRegistry } from '../sessions/session-registry';
import { wsTransport } from './ws-transport';

export const WS_PATH = '/v1/ws';

/**
 * WebSocket connections on the app's HTTP server: authenticated at the upgrade (a bad token
 * is accepted only to be closed with 4001 and the reason, which browsers can read), pinged
 * every interval and closed after the pong timeout, with frames over the size limit closed by
 * ws itself (1009). Each connection is a session of the registry.
 */
@Injectable()
export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly config: Config['gateway'];
  private readonly lastPong = new Map<WebSocket, number>();
  private pinger: NodeJS.Timeout | undefined;
  private accepting = true;

  constructor(
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SessionRegistry) private readonly sessions: SessionRegistry,
  ) {
    this.config = config.gateway;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.config.maxFrameBytes });
  }

  /** The app's HTTP server exists once the app is created, after its providers. */
  private get server(): Server {
    return this.http.httpAdapter.getHttpServer() as Server;
  }

  start(): void {
    this.server.on('upgrade', this.upgrade);
    this.pinger = setInterval(() => this.ping(), this.config.pingIntervalMs);
  }

  /** Stops accepting connections; those open stay until closed. */
  stopAccepting(): void {
    this.accepting = false;
    this.server.off('upgrade', this.upgrade);
  }

  get open(): number {
    return this.wss.clients.size;
  }

  terminateAll(): void {
    clearInterval(this.pinger);
    for (const socket of this.wss.clients) socket.terminate();
  }

  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== WS_PATH || !this.accepting) {
      socket.end(
        `HTTP/1.1 ${this.accepting ? '404 Not Found' : '503 Service Unavailable'}\r\n\r\n`,
      );
      return;
    }
    socket.on('error', (error) => this.logger.debug({ err: error }, 'upgrade socket error'));
    this.verifyAndUpgrade(request, socket, head).catch((error: unknown) => {
      this.logger.error({ err: error }, 'upgrade failed');
      socket.destroy();
    });
  };

  private async verifyAndUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    const token = tokenOf(request);
    let principal: VerifiedPrincipal;
    try {
      if (!token) throw new AuthError('missing-token', 'no bearer token');
      principal = await this.verifier.verify(token);
    } catch (error) {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        const reason = error instanceof AuthError ? error.code : 'invalid-token';
        ws.close(CLOSE_CODES.unauthorized, reason);
      });
      return;
    }
    // Gone while its token was checked: nothing to open.
    if (socket.destroyed) return;
    const refusal = this.sessions.connectRefusal(principal);
    if (refusal) {
      // Refused before the upgrade: each connection walks the user's conversations and
      // reports presence, so a reconnect loop must cost no more than this answer.
      const problem = httpProblem(refusalOfBudget(refusal));
      const body = JSON.stringify(problem.body);
      const headers = Object.entries(problem.headers).map(
        ([name, value]) => `${name}: ${value}\r\n`,
      );
      socket.end(
        `HTTP/1.1 ${problem.status} ${problem.body.title}\r\n` +
          headers.join('') +
          'Content-Type: application/problem+json\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, principal));
  }

  private accept(ws: WebSocket, principal: VerifiedPrincipal): void {
    this.lastPong.set(ws, Date.now());
    ws.on('error', (error) => this.logger.debug({ err: error }, 'socket error'));
    const session = this.sessions.open(principal, wsTransport(ws, this.config.maxBufferedBytes));
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '\u0000binary' : data.toString();
      // receive answers every failure with a frame; a rejection here would be a bug, not input.
      session.receive(text).catch((error: unknown) => {
        this.logger.error({ err: error }, 'a frame escaped its session');
        session.close(CLOSE_CODES.internalError, 'internal error');
      });
    });
    ws.on('pong', () => {
      this.lastPong.set(ws, Date.now());
      this.sessions.heartbeat(session);
    });
    ws.on('close', () => {
      this.lastPong.delete(ws);
      this.sessions.close(session);
    });
  }

  private ping(): void {
    const now = Date.now();
    for (const ws of this.wss.clients) {
      if (now - (this.lastPong.get(ws) ?? now) > this.config.pongTimeoutMs) {
        ws.close(CLOSE_CODES.heartbeatTimeout, 'no pong within the timeout');
        setTimeout(() => ws.terminate(), 1000).unref();
      } else if (ws.readyState === ws.OPEN) {
        ws.ping();
      }
    }
  }
}
