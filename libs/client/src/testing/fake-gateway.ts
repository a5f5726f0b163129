import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { CLOSE_CODES, errorFrame, refuse, type RefusalCode, type WireItem } from '@chat/protocol';
import {
  CLIENT_PROTOCOL_VERSION,
  type ChangeFrame,
  type ClientFrameV2,
  type HelloFrame,
  type RequestFrame,
  type ServerFrameV2,
  type SyncResult,
} from '../wire';

/** A request the fake received: the client frame with its id. */
export type FakeRequest = RequestFrame & { id: string };

/**
 * What a request handler answers: a result, an error (a catalogue code is framed as the server
 * frames it, with its `retriable` and wait; `retriable` and `retryAfterMs` given here say
 * otherwise), `silence` (no answer at all, as when the server is stuck), or undefined for the
 * default answer.
 */
export type FakeReply = { result: unknown } | { error: FakeError } | 'silence' | undefined;

export interface FakeError {
  code: RefusalCode;
  message: string;
  retriable?: boolean;
  retryAfterMs?: number;
}

/**
 * An in-process gateway for the SDK's tests: a real `ws` WebSocketServer on 127.0.0.1 speaking
 * the v2 frames, with a change log per conversation it resumes and syncs from. Tests drive it:
 * - `publish(change)`: append to the log and send live; `record(change)`: append only (a live
 *   publication that was lost, so the client sees a gap).
 * - `onRequest`: answer a request differently (an error, a late result, silence).
 * - `authorize`: refuse a token at connect with a close code.
 * - `close(code)` / `drop()`: close the current connection cleanly or abruptly.
 * - `received`, `tokens`, `waitFor(...)`: what clients sent, without sleeping blindly.
 */
export class FakeGateway {
  /** Every frame received from any client, in order. */
  readonly received: ClientFrameV2[] = [];
  /** The access token of each connection, in order. */
  readonly tokens: string[] = [];
  /** How many times each clientMessageId was sent (retries included). */
  readonly sends = new Map<string, number>();
  userId = 'alice';
  deviceId: string | null = 'phone';
  /** False leaves hellos unanswered (a hung server). */
  welcome = true;
  /** Resume sends what the log has after each cursor; false sends only welcome and synced. */
  resumeFromLog = true;
  /** Changes per conversation a resume sends at most; past it `synced` names the conversation. */
  resumeLimit = 1000;
  /** Changes per sync page at most (the client's `limit` may ask for fewer). */
  syncLimit = 200;
  onRequest: ((request: FakeRequest, gateway: FakeGateway) => FakeReply) | null = null;
  authorize: ((token: string) => { code: number; reason: string } | null) | null = null;

  private readonly log = new Map<string, ChangeFrame[]>();
  private readonly events = new EventEmitter();
  private current: WebSocket | null = null;
  private connectionCount = 0;

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (socket, request) => this.accept(socket, request.url ?? ''));
  }

  static async start(): Promise<FakeGateway> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeGateway(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/ws`;
  }

  /** Connections accepted so far (refused ones included). */
  get connections(): number {
    return this.connectionCount;
  }

  /** Appends a change to its conversation's log and sends it to the current connection. */
  publish(change: ChangeFrame): void {
    this.record(change);
    this.send(change);
  }

  /** Appends a change to the log without sending it. */
  record(change: ChangeFrame): void {
    const changes = this.log.get(change.conversationId) ?? [];
    changes.push(change);
    this.log.set(change.conversationId, changes);
  }

  /** Sends any frame to the current connection. */
  send(frame: ServerFrameV2 | Record<string, unknown>): void {
    if (this.current?.readyState === WebSocket.OPEN) this.current.send(JSON.stringify(frame));
  }

  /** Closes the current connection with a close frame. */
  close(code: number, reason = ''): void {
    this.current?.close(code, reason);
  }

  /** Cuts the current connection without a close frame (the client sees 1006). */
  drop(): void {
    this.current?.terminate();
  }

  /** The next frame received (or one already received) that matches. */
  waitFor<T extends ClientFrameV2 = ClientFrameV2>(
    matches: (frame: ClientFrameV2) => boolean,
    { after = 0, timeoutMs = 3000 }: { after?: number; timeoutMs?: number } = {},
  ): Promise<T> {
    const seen = this.received.slice(after).find(matches);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('frame', listener);
        reject(new Error('the fake gateway did not receive the expected frame in time'));
      }, timeoutMs);
      const listener = (frame: ClientFrameV2) => {
        if (!matches(frame)) return;
        clearTimeout(timer);
        this.events.off('frame', listener);
        resolve(frame as T);
      };
      this.events.on('frame', listener);
    });
  }

  /** Resolves with the nth connection (1-based) once it is accepted. */
  waitForConnection(n: number, timeoutMs = 3000): Promise<void> {
    if (this.connectionCount >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('connection', listener);
        reject(new Error(`connection ${n} did not come in time`));
      }, timeoutMs);
      const listener = () => {
        if (this.connectionCount < n) return;
        clearTimeout(timer);
        this.events.off('connection', listener);
        resolve();
      };
      this.events.on('connection', listener);
    });
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The default answer to sync: the log after `afterCs`, one page at a time. */
  syncPage(conversationId: string, afterCs: number, limit = this.syncLimit): SyncResult {
    const all = (this.log.get(conversationId) ?? []).filter((c) => c.cs! > afterCs);
    const changes = all.slice(0, limit);
    return {
      changes,
      throughCs: changes.length > 0 ? changes.at(-1)!.cs! : afterCs,
      more: all.length > changes.length,
    };
  }

  private accept(socket: WebSocket, url: string): void {
    this.connectionCount++;
    const token = new URL(url, 'ws://fake').searchParams.get('access_token') ?? '';
    this.tokens.push(token);
    this.current = socket;
    const refusal = this.authorize?.(token);
    if (refusal) {
      socket.close(refusal.code, refusal.reason);
    } else {
      socket.on('message', (data) => this.receive(socket, String(data)));
    }
    this.events.emit('connection');
  }

  private receive(socket: WebSocket, text: string): void {
    const frame = JSON.parse(text) as ClientFrameV2;
    this.received.push(frame);
    this.events.emit('frame', frame);
    if (socket !== this.current) return;
    if (frame.type === 'hello') return this.hello(frame);
    if (frame.type === 'typing') return;
    this.answer(frame);
  }

  private hello(hello: HelloFrame): void {
    if (!this.welcome) return;
    if (hello.v !== CLIENT_PROTOCOL_VERSION) {
      this.close(CLOSE_CODES.unsupportedVersion, `this server speaks ${CLIENT_PROTOCOL_VERSION}`);
      return;
    }
    const connectionId = `c${this.connectionCount}`;
    this.send({
      type: 'welcome',
      v: 2,
      userId: this.userId,
      deviceId: this.deviceId,
      connectionId,
    });
    let conversations = 0;
    let items = 0;
    const more: string[] = [];
    if (this.resumeFromLog) {
      for (const [conversationId, changes] of this.log) {
        const after = hello.cursors[conversationId] ?? 0;
        const missed = changes.filter((c) => c.cs! > after);
        if (missed.length > 0) conversations++;
        if (missed.length > this.resumeLimit) more.push(conversationId);
        const sent = missed.slice(0, this.resumeLimit);
        items += sent.length;
        for (const change of sent) this.send(change);
      }
    }
    this.send({ type: 'synced', conversations, changes: items, more });
  }

  private answer(request: FakeRequest): void {
    if (request.type === 'send') {
      const count = this.sends.get(request.clientMessageId) ?? 0;
      this.sends.set(request.clientMessageId, count + 1);
    }
    const reply = this.onRequest?.(request, this) ?? { result: this.defaultResult(request) };
    if (reply === 'silence') return;
    if ('error' in reply) {
      const { code, message, ...said } = reply.error;
      this.send({ ...errorFrame(refuse(code, message), request.id), ...said });
    } else this.send({ type: 'result', id: request.id, result: reply.result });
  }

  private defaultResult(request: FakeRequest): unknown {
    switch (request.type) {
      case 'send':
        return {
          conversationId: request.conversationId,
          messageId: `m-${request.clientMessageId}`,
          eventIds: [`e-${request.clientMessageId}`],
        };
      case 'sync':
        return this.syncPage(
          request.conversationId,
          request.afterCs,
          Math.min(request.limit ?? this.syncLimit, this.syncLimit),
        );
      case 'history':
        return { items: [], nextBeforeSeq: null };
      case 'presence.subscribe':
        return { presence: [] };
      default:
        return {};
    }
  }
}

/** A message change as the gateway sends it: cs and seq given, the item filled in. */
export function messageChange(
  conversationId: string,
  cs: number,
  seq: number,
  body = `message ${seq}`,
): ChangeFrame {
  return { type: 'message', conversationId, cs, seq, item: item(conversationId, seq, body) };
}

/** A membership change: `eventType` MemberAdded or MemberRemoved of `userId`. */
export function membershipChange(
  conversationId: string,
  cs: number,
  seq: number,
  eventType: 'MemberAdded' | 'MemberRemoved' | 'ConversationCreated',
  userId: string,
): ChangeFrame {
  return {
    type: 'membership',
    conversationId,
    cs,
    seq,
    item: {
      ...item(conversationId, seq, null),
      itemKind: 'NOTICE',
      eventType,
      messageId: null,
      kind: null,
      notice: { userId },
    },
  };
}

function item(conversationId: string, seq: number, body: string | null): WireItem {
  return {
    conversationId,
    seq,
    itemKind: 'MESSAGE',
    eventType: 'MessageSent',
    messageId: `msg-${conversationId}-${seq}`,
    actorId: 'bob',
    kind: 'TEXT',
    body,
    ciphertext: null,
    media: null,
    replyTo: null,
    notice: null,
    occurredAt: new Date(Date.UTC(2026, 11, 2, 12, 0, seq)).toISOString(),
    editedAt: null,
    deleted: false,
    deletedBy: null,
    reactions: {},
  };
}
