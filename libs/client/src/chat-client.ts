import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type ChangeFrame,
  type ClientFrame,
  type PresenceState,
  type ServerFrame,
  type SyncResult,
  type WireItem,
} from '@chat/protocol';

/** The part of the WebSocket API the client uses: the browser's, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

export interface ChatClientOptions {
  /** The gateway's WebSocket URL, e.g. ws://127.0.0.1:3001/v1/ws */
  url: string;
  /** A bearer token, or a function that returns a fresh one for each connection. */
  token: string | (() => string | Promise<string>);
  /** The WebSocket implementation: the global one in browsers, `ws` in Node. */
  WebSocket?: WebSocketFactory;
  /** Cursors saved from an earlier session: the last change (cs) seen per conversation. */
  cursors?: Record<string, number>;
  /** Reconnect delays: exponential from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

type Events = {
  message: { conversationId: string; item: WireItem };
  membership: { conversationId: string; item: WireItem };
  edit: Extract<ServerFrame, { type: 'edit' }>;
  delete: Extract<ServerFrame, { type: 'delete' }>;
  reaction: Extract<ServerFrame, { type: 'reaction' }>;
  receipt: Extract<ServerFrame, { type: 'receipt' }>;
  presence: PresenceState;
  typing: { conversationId: string; userId: string };
  synced: { conversations: number; changes: number };
  error: { code: string; message: string };
  connected: { connectionId: string };
  disconnected: { code: number; reason: string };
  /** A gap was seen in a conversation's changes (cs) and repaired by fetching. */
  gap: { conversationId: string; afterCs: number; upToCs: number };
};
type Listener<T> = (payload: T) => void;

/** A request refused by the server (an `error` frame answering it). */
export class ChatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

interface Pending {
  frame: ClientFrame & { id: string };
  resolve(result: unknown): void;
  reject(error: Error): void;
}

const SEEN_MESSAGES = 10_000;

/** Closes after which reconnecting with the same token cannot help. */
const FINAL_CLOSES = new Set<number>([CLOSE_CODES.unauthorized, CLOSE_CODES.unsupportedVersion]);

/**
 * A chat connection that survives the network: reconnects with exponential backoff and
 * jitter, resumes with its cursors, drops duplicates (by cs and message id), repairs gaps by
 * fetching what lies between, and retries requests after a reconnect (sends are safe to
 * retry: each carries its client message id). Works in Node and in browsers.
 */
export class ChatClient {
  private socket: WebSocketLike | undefined;
  private readonly cursorOf = new Map<string, number>();
  private readonly seenMessages = new Set<string>();
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private attempt = 0;
  private closedByUser = false;
  private welcomed = false;
  private incoming: Promise<void> = Promise.resolve();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly WebSocketImpl: WebSocketFactory;

  constructor(private readonly options: ChatClientOptions) {
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
    if (!impl) throw new Error('no WebSocket implementation: pass one (e.g. from the ws package)');
    this.WebSocketImpl = impl;
    for (const [conversationId, seq] of Object.entries(options.cursors ?? {})) {
      this.cursorOf.set(conversationId, seq);
    }
  }

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(type, set);
    return () => set.delete(listener as Listener<never>);
  }

  /** Connects; resolves once everything missed has been received. */
  connect(): Promise<void> {
    this.closedByUser = false;
    const synced = new Promise<void>((resolve) => {
      const off = this.on('synced', () => {
        off();
        resolve();
      });
    });
    void this.open();
    return synced;
  }

  close(): void {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'bye');
    for (const request of this.pending.values())
      request.reject(new ChatError('closed', 'client closed'));
    this.pending.clear();
  }

  /**
   * Drops the connection and reconnects at once, resuming from the cursors: for when the
   * network changed under the socket (a browser's `online` event, a new Wi-Fi).
   */
  reconnect(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.welcomed = false;
    socket?.close(1000, 'reconnecting');
    void this.open();
  }

  /** The last change (cs) seen per conversation: save these to resume later without gaps. */
  cursors(): Record<string, number> {
    return Object.fromEntries(this.cursorOf);
  }

  /** Sends a message. Safe to call again with the same client message id after a failure. */
  send(
    conversationId: string,
    content: {
      body?: string | null;
      replyTo?: string | null;
      ciphertext?: { algorithm: string; data: string } | null;
    },
    clientMessageId: string = randomId(),
  ): Promise<{ conversationId: string; messageId: string; eventIds: string[] }> {
    return this.request({ type: 'send', conversationId, clientMessageId, ...content }) as Promise<{
      conversationId: string;
      messageId: string;
      eventIds: string[];
    }>;
  }

  ack(conversationId: string, upToSeq: number) {
    return this.request({ type: 'ack', conversationId, upToSeq });
  }

  read(conversationId: string, upToSeq: number) {
    return this.request({ type: 'read', conversationId, upToSeq });
  }

  typing(conversationId: string): void {
    if (this.welcomed) this.socket?.send(JSON.stringify({ type: 'typing', conversationId }));
  }

  subscribePresence(userIds: string[]) {
    return this.request({ type: 'presence.subscribe', userIds }) as Promise<{
      presence: PresenceState[];
    }>;
  }

  history(conversationId: string, options: { beforeSeq?: number; limit?: number } = {}) {
    return this.request({ type: 'history', conversationId, ...options }) as Promise<{
      items: WireItem[];
      nextBeforeSeq: number | null;
    }>;
  }

  inbox(options: { after?: string; limit?: number } = {}) {
    return this.request({ type: 'inbox', ...options });
  }

  /** Sends a raw frame (tests of the protocol's error handling). */
  sendRaw(text: string): void {
    this.socket?.send(text);
  }

  private request(frame: ClientFrame): Promise<unknown> {
    const id = `r${++this.nextId}`;
    const withId = { ...frame, id } as ClientFrame & { id: string };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { frame: withId, resolve, reject });
      if (this.welcomed) this.socket?.send(JSON.stringify(withId));
    });
  }

  private async open(): Promise<void> {
    const token =
      typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    const separator = this.options.url.includes('?') ? '&' : '?';
    const socket = new this.WebSocketImpl(
      `${this.options.url}${separator}access_token=${encodeURIComponent(token)}`,
    );
    this.socket = socket;
    this.welcomed = false;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: this.cursors() }));
    };
    socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as ServerFrame;
      // In order, one at a time: a gap repair finishes before the next frame is looked at.
      this.incoming = this.incoming.then(() => this.handle(frame)).catch(() => undefined);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.welcomed = false;
      this.emit('disconnected', { code: event.code, reason: event.reason });
      if (this.closedByUser) return;
      if (FINAL_CLOSES.has(event.code)) {
        for (const request of this.pending.values())
          request.reject(new ChatError('closed', event.reason));
        this.pending.clear();
        return;
      }
      this.scheduleReconnect();
    };
    socket.onerror = () => undefined;
  }

  private scheduleReconnect(): void {
    const initial = this.options.backoff?.initialMs ?? 250;
    const max = this.options.backoff?.maxMs ?? 10_000;
    const ceiling = Math.min(max, initial * 2 ** this.attempt++);
    // Full jitter between half and all of the ceiling: clients cut off together come back apart.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  private async handle(frame: ServerFrame): Promise<void> {
    switch (frame.type) {
      case 'welcome':
        this.welcomed = true;
        this.emit('connected', { connectionId: frame.connectionId });
        for (const request of this.pending.values())
          this.socket?.send(JSON.stringify(request.frame));
        return;
      case 'synced':
        this.attempt = 0;
        this.emit('synced', { conversations: frame.conversations, changes: frame.changes });
        return;
      case 'message':
      case 'membership':
      case 'edit':
      case 'delete':
      case 'reaction':
      case 'receipt':
      case 'skip':
        return this.receiveChange(frame);
      case 'result': {
        const request = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        request?.resolve(frame.result);
        return;
      }
      case 'error': {
        const request = frame.id ? this.pending.get(frame.id) : undefined;
        if (request) {
          this.pending.delete(frame.id!);
          request.reject(new ChatError(frame.code, frame.message));
        } else {
          this.emit('error', { code: frame.code, message: frame.message });
        }
        return;
      }
      case 'presence':
        return this.emit('presence', frame.presence);
      case 'typing':
        return this.emit('typing', { conversationId: frame.conversationId, userId: frame.userId });
      case 'reconnect':
        return;
    }
  }

  private async receiveChange(frame: ChangeFrame): Promise<void> {
    const cursor = frame.cs === undefined ? undefined : this.cursorOf.get(frame.conversationId);
    if (cursor !== undefined && frame.cs! > cursor + 1) {
      // A gap: fetch what lies between before going on.
      let after = cursor;
      for (;;) {
        const page = (await this.request({
          type: 'sync',
          conversationId: frame.conversationId,
          afterCs: after,
          limit: 200,
        })) as SyncResult;
        for (const missed of page.changes) if (missed.cs! < frame.cs!) this.accept(missed);
        after = Math.max(this.cursorOf.get(frame.conversationId) ?? after, page.throughCs);
        if (!page.more || after >= frame.cs! - 1) break;
      }
      this.emit('gap', {
        conversationId: frame.conversationId,
        afterCs: cursor,
        upToCs: frame.cs! - 1,
      });
    }
    this.accept(frame);
  }

  /** Applies a change in cs order: dropped when already had, else the cursor moves to it. */
  private accept(frame: ChangeFrame): void {
    if (frame.cs !== undefined) {
      const cursor = this.cursorOf.get(frame.conversationId);
      if (cursor !== undefined && frame.cs <= cursor) return;
      this.cursorOf.set(frame.conversationId, frame.cs);
    }
    switch (frame.type) {
      case 'message':
      case 'membership':
        return this.receiveItem(frame.item);
      case 'skip':
        return;
      default:
        return this.emit(frame.type, frame as never);
    }
  }

  private receiveItem(item: WireItem): void {
    if (item.messageId) {
      const key = `${item.conversationId}/${item.messageId}`;
      if (this.seenMessages.has(key)) return;
      this.seenMessages.add(key);
      // Bounded: cs already make old duplicates impossible; ids guard the recent ones.
      if (this.seenMessages.size > SEEN_MESSAGES) {
        this.seenMessages.delete(this.seenMessages.values().next().value!);
      }
    }
    this.emit(item.itemKind === 'MESSAGE' ? 'message' : 'membership', {
      conversationId: item.conversationId,
      item,
    });
  }

  private emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(type) ?? [])
      (listener as Listener<Events[K]>)(payload);
  }
}

function randomId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
