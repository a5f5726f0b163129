import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuthError, type TokenVerifier, type VerifiedPrincipal } from '@chat/auth';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { CLOSE_CODES, httpProblem } from '@chat/protocol';
import { refusalOfBudget, type RateRefusal } from '../limits/budgets';
import type { Transport } from './transport';
import { writesPerTurn, type Corkable } from './writes-per-turn';

export const WS_PATH = '/v1/ws';

export interface AcceptedSocket {
  principal: VerifiedPrincipal;
  token: string;
  transport: Transport;
  /** Text frames from the client. */
  onFrame(handler: (text: string) => void): void;
  onPong(handler: () => void): void;
  onClose(handler: () => void): void;
}

/** The bearer token of an upgrade: the Authorization header, or `access_token` for browsers. */
export function tokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const url = new URL(request.url ?? '/', 'http://gateway');
  return url.searchParams.get('access_token') ?? undefined;
}

/**
 * WebSocket connections on the app's HTTP server: authenticated at the upgrade (a bad token
 * is accepted only to be closed with 4001 and the reason, which browsers can read), pinged
 * every interval and closed after the pong timeout, with frames over the size limit closed by
 * ws itself (1009).
 */
export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly lastPong = new Map<WebSocket, number>();
  private pinger: NodeJS.Timeout | undefined;
  private accepting = true;

  constructor(
    private readonly server: Server,
    private readonly verifier: TokenVerifier,
    private readonly config: Config['gateway'],
    private readonly logger: Logger,
    /** Why this user may not connect now (their connection budget), or null. */
    private readonly admit: (principal: VerifiedPrincipal) => RateRefusal | null,
    private readonly onAccepted: (socket: AcceptedSocket) => void,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes });
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
    const refusal = this.admit(principal);
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
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, principal, token));
  }

  private accept(ws: WebSocket, principal: VerifiedPrincipal, token: string): void {
    this.lastPong.set(ws, Date.now());
    const { maxBufferedBytes } = this.config;
    // ws keeps its socket to itself; holding writes for a turn needs the net.Socket under it.
    const holdWrites = writesPerTurn((ws as unknown as { _socket: Corkable })._socket);
    const transport: Transport = {
      send: (text) => {
        if (ws.readyState !== ws.OPEN) return true;
        if (ws.bufferedAmount > maxBufferedBytes) return false;
        holdWrites();
        ws.send(text, { binary: false });
        return true;
      },
      close: (code, reason) => {
        ws.close(code, reason);
        // A peer that does not answer the close handshake is cut off.
        setTimeout(() => ws.terminate(), 2000).unref();
      },
    };
    ws.on('error', (error) => this.logger.debug({ err: error }, 'socket error'));
    this.onAccepted({
      principal,
      token,
      transport,
      onFrame: (handler) =>
        ws.on('message', (data, isBinary) => {
          if (isBinary) handler('\u0000binary');
          else handler(data.toString());
        }),
      onPong: (handler) =>
        ws.on('pong', () => {
          this.lastPong.set(ws, Date.now());
          handler();
        }),
      onClose: (handler) =>
        ws.on('close', () => {
          this.lastPong.delete(ws);
          handler();
        }),
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
