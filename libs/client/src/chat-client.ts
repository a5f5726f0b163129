import { closeAction, type CloseAction, type PresenceState, type WireItem } from '@chat/protocol';
import { ChangeOrder } from './change-order';
import {
  ChatError,
  State,
  type ChatClientEvents,
  type ChatClientOptions,
  type Listener,
  type PendingSend,
  type RequestOptions,
  type SendOptions,
  type SendResult,
  type ServerRefusal,
  type StateChange,
  type WebSocketFactory,
  type MediaFile,
  type WebSocketLike,
} from './types';
import {
  CLIENT_PROTOCOL_VERSION,
  isChangeFrame,
  type ChangeFrame,
  type RequestFrame,
  type SendContent,
  type ServerFrameV2,
  type SyncResult,
} from './wire';

interface Pending {
  readonly text: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_SEND_ATTEMPTS = 5;
/** The gateway closes on frames larger than this (1009); such a request fails before it is sent. */
const MAX_FRAME_BYTES = 64 * 1024;
/** 4001 closes in a row, each after a fresh token, before the client gives up. */
const MAX_TOKEN_REFRESHES = 3;
const SYNC_PAGE = 200;

/** A fresh client message id: draw one, save it with the draft, and pass it to `send`. */
export function newClientMessageId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A chat connection that survives the network (protocol v2, docs/protocol.md).
 *
 * - State: `disconnected` -> `connecting` -> `connected`, back to `disconnected` when the
 *   socket closes with a code that allows a reconnect (jittered exponential backoff), and
 *   `closed` after `close()` or a final close code (no reconnect loop).
 * - A 4001 (token expired or refused) asks the token function for a new token and resumes.
 * - Each conversation's changes come out in cs order exactly once: duplicates are dropped and
 *   gaps are repaired with `sync` beside the frame flow (see ChangeOrder), so answers to
 *   requests are handled the moment they arrive and never wait behind a repair.
 * - Every request has a timeout; requests outlive reconnects (sent again after `welcome`);
 *   a `send` keeps its one clientMessageId across all its retries.
 */
export class ChatClient {
  private socket: WebSocketLike | undefined;
  private current: State = State.Disconnected;
  private readonly listeners = new Map<keyof ChatClientEvents, Set<Listener<never>>>();
  private readonly pending = new Map<string, Pending>();
  private readonly order: ChangeOrder;
  private readonly timers = new Set<{ timer: ReturnType<typeof setTimeout>; cancel(): void }>();
  private readonly WebSocketImpl: WebSocketFactory;
  private nextId = 0;
  private attempt = 0;
  private refreshes = 0;
  private generation = 0;
  private token: string | undefined;
  private userId: string | undefined;
  private draining = false;
  /** Whether this connection's resume finished (`synced`). */
  private synced = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Token, socket and `welcome` must all come within the request timeout. */
  private connectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ChatClientOptions) {
    validate(options);
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
    if (!impl) throw new Error('no WebSocket implementation: pass one (e.g. from the ws package)');
    this.WebSocketImpl = impl;
    if (typeof options.token === 'string') this.token = options.token;
    this.order = new ChangeOrder(options.cursors ?? {}, {
      sync: (conversationId, afterCs) => this.sync(conversationId, afterCs),
      apply: (change) => this.apply(change),
      repaired: (conversationId, afterCs, throughCs) =>
        this.emit('gap', { conversationId, afterCs, throughCs }),
      failed: (conversationId, error) => {
        if (this.current === State.Closed) return;
        this.emit('error', {
          code: error instanceof ChatError ? error.code : 'sync-failed',
          message: `repairing ${conversationId}: ${(error as Error).message}`,
        });
      },
      retryDelayMs: (failures, error) => this.retryDelay(failures, error),
      wait: (ms) => this.wait(ms),
    });
  }

  /** Where the connection is; every change is also a `state` event. */
  get state(): State {
    return this.current;
  }

  on<K extends keyof ChatClientEvents>(
    type: K,
    listener: Listener<ChatClientEvents[K]>,
  ): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(type, set);
    return () => this.off(type, listener);
  }

  off<K extends keyof ChatClientEvents>(type: K, listener: Listener<ChatClientEvents[K]>): void {
    this.listeners.get(type)?.delete(listener as Listener<never>);
  }

  /**
   * Connects (or reconnects at once if a reconnect is scheduled); resolves once everything
   * missed has been received (`synced`), rejects if the client closes first.
   */
  connect(): Promise<void> {
    if (this.current === State.Connected && this.synced) return Promise.resolve();
    const synced = new Promise<void>((resolve, reject) => {
      const offs = [
        this.on('synced', () => {
          offs.forEach((off) => off());
          resolve();
        }),
        this.on('state', ({ state, close }) => {
          if (state !== State.Closed) return;
          offs.forEach((off) => off());
          reject(new ChatError('closed', close?.reason || 'the client closed'));
        }),
      ];
    });
    if (this.current === State.Disconnected || this.current === State.Closed) {
      clearTimeout(this.reconnectTimer);
      this.attempt = 0;
      this.refreshes = 0;
      void this.open();
    }
    return synced;
  }

  /** Closes for good: no reconnect; pending requests fail with `closed`. */
  close(): void {
    this.generation++;
    const socket = this.socket;
    this.socket = undefined;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.connectTimer);
    this.setState(State.Closed, { code: 1000, reason: 'closed by the client', action: 'client' });
    this.failAll(new ChatError('closed', 'the client was closed'));
    for (const timer of [...this.timers]) timer.cancel();
    socket?.close(1000, 'bye');
  }

  /**
   * Drops the connection and reconnects at once, resuming from the cursors: for when the
   * network changed under the socket (a browser's `online` event, a new Wi-Fi).
   */
  reconnect(): void {
    if (this.current === State.Closed) return;
    this.generation++;
    const socket = this.socket;
    this.socket = undefined;
    clearTimeout(this.reconnectTimer);
    socket?.close(1000, 'reconnecting');
    if (socket) {
      this.emit('disconnected', { code: 1000, reason: 'reconnecting', action: 'client' });
    }
    this.setState(State.Disconnected, { code: 1000, reason: 'reconnecting', action: 'client' });
    void this.open();
  }

  /** The last cs applied per conversation: save these to resume later without gaps. */
  cursors(): Record<string, number> {
    return this.order.cursors();
  }

  /**
   * Sends a message. One clientMessageId is drawn per call (or taken from `options`) and kept
   * across every retry: after a timeout, a retriable refusal (503, rate limit) or a reconnect,
   * the same send is tried again, so a late append is never posted twice. The id is on the
   * returned promise at once: save it to retry after a crash with `{ clientMessageId }`.
   */
  send(conversationId: string, content: SendContent, options: SendOptions = {}): PendingSend {
    const clientMessageId = options.clientMessageId ?? newClientMessageId();
    const attempts = options.attempts ?? this.options.sendAttempts ?? DEFAULT_SEND_ATTEMPTS;
    const frame: RequestFrame = { type: 'send', conversationId, clientMessageId, ...content };
    const attempt = async (): Promise<SendResult> => {
      for (let tried = 1; ; tried++) {
        try {
          const result = await this.request<Omit<SendResult, 'clientMessageId'>>(frame, options);
          return { ...result, clientMessageId };
        } catch (error) {
          if (!(error instanceof ChatError) || !error.retriable || tried >= attempts) throw error;
          await this.wait(this.retryDelay(tried - 1, error));
        }
      }
    };
    return Object.assign(attempt(), { clientMessageId });
  }

  /**
   * Sends a file: asks the command API for an upload URL, puts the bytes straight into object
   * storage, then sends a message carrying the media id. Encrypt the bytes first for
   * end-to-end encrypted media (the key goes in `content.ciphertext`): the server never reads
   * them. A refusal of the upload (type or size) rejects before any byte is sent.
   */
  async sendMedia(
    conversationId: string,
    file: MediaFile | Blob,
    content: Omit<SendContent, 'media' | 'mediaId'> = {},
    options: SendOptions = {},
  ): Promise<SendResult & { mediaId: string }> {
    const apiUrl = this.options.apiUrl;
    if (!apiUrl) throw new Error('sendMedia needs the apiUrl option (the command API)');
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const { bytes, contentType } =
      'contentType' in file ? file : { bytes: file as Blob, contentType: (file as Blob).type };
    const sizeBytes = bytes instanceof Uint8Array ? bytes.byteLength : bytes.size;
    const intent = await doFetch(`${apiUrl.replace(/\/+$/, '')}/v1/media/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.currentToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ contentType, sizeBytes }),
    });
    const answer = (await intent.json()) as {
      mediaId: string;
      upload: { url: string; headers: Record<string, string> };
    } & Partial<ServerRefusal>;
    if (intent.status !== 201) {
      // A problem body: its code, and whether a retry may help, as the server says.
      throw ChatError.fromServer(
        { ...answer, code: answer.code ?? 'upload-refused' },
        `HTTP ${intent.status}`,
      );
    }
    // Content-Length and Content-Type are signed: the body must be exactly what was announced.
    // (Browsers set Content-Length themselves and ignore the one given.)
    const put = await doFetch(answer.upload.url, {
      method: 'PUT',
      headers: answer.upload.headers,
      body: bytes,
    });
    if (!put.ok) throw new ChatError('upload-failed', `the store answered ${put.status}`);
    const sent = await this.send(conversationId, { ...content, mediaId: answer.mediaId }, options);
    return { ...sent, mediaId: answer.mediaId };
  }

  /** This device received everything up to `upToSeq`. */
  ack(conversationId: string, upToSeq: number, options?: RequestOptions) {
    return this.request({ type: 'ack', conversationId, upToSeq }, options);
  }

  read(conversationId: string, upToSeq: number, options?: RequestOptions) {
    return this.request({ type: 'read', conversationId, upToSeq }, options);
  }

  typing(conversationId: string): void {
    if (this.current === State.Connected) {
      this.socket?.send(JSON.stringify({ type: 'typing', conversationId }));
    }
  }

  subscribePresence(userIds: string[], options?: RequestOptions) {
    return this.request<{ presence: PresenceState[] }>(
      { type: 'presence.subscribe', userIds },
      options,
    );
  }

  unsubscribePresence(userIds: string[], options?: RequestOptions) {
    return this.request({ type: 'presence.unsubscribe', userIds }, options);
  }

  /** A short-lived URL to download a message's media (the bytes come from object storage). */
  mediaUrl(conversationId: string, messageId: string, options?: RequestOptions) {
    return this.request<{
      url: string;
      contentType: string;
      sizeBytes: number;
      expiresAt: string;
      thumbnailUrl: string | null;
    }>({ type: 'media.url', conversationId, messageId }, options);
  }

  history(
    conversationId: string,
    page: { beforeSeq?: number; limit?: number } = {},
    options?: RequestOptions,
  ) {
    return this.request<{ items: WireItem[]; nextBeforeSeq: number | null }>(
      { type: 'history', conversationId, ...page },
      options,
    );
  }

  inbox(page: { after?: string; limit?: number } = {}, options?: RequestOptions) {
    return this.request({ type: 'inbox', ...page }, options);
  }

  /** Sends a raw frame (tests of the protocol's error handling). */
  sendRaw(text: string): void {
    this.socket?.send(text);
  }

  private sync(conversationId: string, afterCs: number): Promise<SyncResult> {
    return this.request<SyncResult>({ type: 'sync', conversationId, afterCs, limit: SYNC_PAGE });
  }

  /**
   * One request and its answer. The timeout counts from the call, waiting for a connection
   * included; a request still unanswered when the socket closes is sent again after the next
   * `welcome` (with the same id and content).
   */
  private request<T = unknown>(frame: RequestFrame, options: RequestOptions = {}): Promise<T> {
    if (this.current === State.Closed) {
      return Promise.reject(new ChatError('closed', 'the client is closed'));
    }
    const id = `r${++this.nextId}`;
    const withId = { ...frame, id };
    const text = JSON.stringify(withId);
    if (new TextEncoder().encode(text).byteLength > MAX_FRAME_BYTES) {
      return Promise.reject(
        new ChatError('frame-too-big', `the ${frame.type} frame is over ${MAX_FRAME_BYTES} bytes`),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ChatError('timeout', `no answer to ${frame.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        text,
        resolve: resolve as (result: unknown) => void,
        reject,
        timer,
      });
      if (this.current === State.Connected) this.socket?.send(text);
    });
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.synced = false;
    this.setState(State.Connecting);
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.connectTimedOut(generation), this.timeoutMs());
    let token: string;
    try {
      token = await this.currentToken();
    } catch (error) {
      if (generation !== this.generation) return;
      this.emit('error', { code: 'token-failed', message: (error as Error).message });
      this.setState(State.Disconnected);
      this.scheduleReconnect(this.backoffDelay(this.attempt++));
      return;
    }
    if (generation !== this.generation) return;
    const separator = this.options.url.includes('?') ? '&' : '?';
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(
        `${this.options.url}${separator}access_token=${encodeURIComponent(token)}`,
      );
    } catch (error) {
      // The URL itself is wrong: no reconnect can fix that.
      this.emit('error', { code: 'socket-failed', message: (error as Error).message });
      return this.finish({ code: 1006, reason: (error as Error).message, action: 'final' });
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const hello = { type: 'hello', v: CLIENT_PROTOCOL_VERSION, cursors: this.cursors() };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(String(event.data));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.closed(event.code, event.reason);
    };
    socket.onerror = () => undefined;
  }

  /** No welcome in time (a hung token function, socket or server): try again later. */
  private connectTimedOut(generation: number): void {
    if (generation !== this.generation || this.current !== State.Connecting) return;
    this.generation++;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'no welcome in time');
    const reason = `no welcome within ${this.timeoutMs()} ms`;
    this.emit('error', { code: 'timeout', message: reason });
    this.setState(State.Disconnected, { code: 1006, reason, action: 'reconnect' });
    this.scheduleReconnect(this.backoffDelay(this.attempt++));
  }

  private timeoutMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private async currentToken(): Promise<string> {
    if (this.token !== undefined) return this.token;
    const source = this.options.token;
    this.token = typeof source === 'function' ? await source() : source;
    return this.token;
  }

  /** The server (or the network) closed the socket: reconnect, refresh the token, or stop. */
  private closed(code: number, reason: string): void {
    clearTimeout(this.connectTimer);
    const action = closeAction(code);
    this.emit('disconnected', { code, reason, action });
    const close = { code, reason, action };
    if (action === 'final') return this.finish(close);
    if (action === 'refresh-token') {
      if (typeof this.options.token !== 'function' || this.refreshes >= MAX_TOKEN_REFRESHES) {
        return this.finish({ ...close, action: 'final' });
      }
      // The first refresh reconnects at once; a new token refused again backs off.
      this.token = undefined;
      this.setState(State.Disconnected, close);
      this.scheduleReconnect(this.refreshes++ === 0 ? 0 : this.backoffDelay(this.refreshes));
      return;
    }
    this.setState(State.Disconnected, close);
    // A draining server asked us to go elsewhere now; anything else backs off.
    const delay = this.draining ? this.backoffDelay(0) : this.backoffDelay(this.attempt++);
    this.draining = false;
    this.scheduleReconnect(delay);
  }

  /** Stops for good after a final close: no reconnect, pending requests fail. */
  private finish(close: { code: number; reason: string; action: CloseAction }): void {
    this.generation++;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.connectTimer);
    this.setState(State.Closed, close);
    this.failAll(new ChatError('closed', `closed by the server (${close.code}) ${close.reason}`));
    for (const timer of [...this.timers]) timer.cancel();
  }

  private scheduleReconnect(delayMs: number): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.open(), delayMs);
  }

  /** Exponential from `initialMs` to `maxMs`, each delay drawn between half and all of it. */
  private backoffDelay(attempt: number): number {
    const initial = this.options.backoff?.initialMs ?? 250;
    const max = this.options.backoff?.maxMs ?? 10_000;
    const ceiling = Math.min(max, initial * 2 ** attempt);
    // Jitter: clients cut off together come back apart.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** The backoff before another attempt, and never less than the wait the server asked for. */
  private retryDelay(attempt: number, error?: unknown): number {
    const asked = error instanceof ChatError ? (error.retryAfterMs ?? 0) : 0;
    return Math.max(this.backoffDelay(attempt), asked);
  }

  /** Waits; rejects at once if the client is closed meanwhile. */
  private wait(ms: number): Promise<void> {
    if (this.current === State.Closed) {
      return Promise.reject(new ChatError('closed', 'the client is closed'));
    }
    return new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        cancel: () => {
          clearTimeout(entry.timer);
          this.timers.delete(entry);
          reject(new ChatError('closed', 'the client closed'));
        },
      };
      this.timers.add(entry);
    });
  }

  private failAll(error: ChatError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) {
      clearTimeout(request.timer);
      request.reject(error);
    }
  }

  /** One frame from the server, handled at once: nothing here waits for anything. */
  private receive(text: string): void {
    let frame: ServerFrameV2;
    try {
      frame = JSON.parse(text) as ServerFrameV2;
    } catch {
      return this.emit('error', { code: 'bad-frame', message: 'the server sent a non-JSON frame' });
    }
    switch (frame.type) {
      case 'welcome':
        clearTimeout(this.connectTimer);
        this.userId = frame.userId;
        this.refreshes = 0;
        this.setState(State.Connected);
        this.emit('connected', {
          connectionId: frame.connectionId,
          userId: frame.userId,
          deviceId: frame.deviceId,
        });
        for (const request of this.pending.values()) this.socket?.send(request.text);
        return;
      case 'synced':
        return this.caughtUp(frame);
      case 'result':
        return this.settle(frame.id, (request) => request.resolve(frame.result));
      case 'error':
        if (frame.id && this.pending.has(frame.id)) {
          return this.settle(frame.id, (request) => request.reject(ChatError.fromServer(frame)));
        }
        return this.emit('error', {
          code: frame.code,
          message: frame.message,
          retriable: frame.retriable === true,
          ...(frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs }),
        });
      case 'presence':
        return this.emit('presence', frame.presence);
      case 'presence.revoked':
        return this.emit('presence.revoked', { userIds: frame.userIds });
      case 'typing':
        return this.emit('typing', { conversationId: frame.conversationId, userId: frame.userId });
      case 'reconnect':
        this.draining = true;
        return;
      default:
        if (isChangeFrame(frame)) this.order.offer(frame);
        return;
    }
  }

  /**
   * The resume is done once the conversations it stopped short of (`more`) are paged with
   * `sync` too: only then has the device everything it missed, and `connect()` resolves.
   */
  private caughtUp(frame: Extract<ServerFrameV2, { type: 'synced' }>): void {
    const generation = this.generation;
    // A gateway of an earlier release sends no `more`.
    const behind = frame.more ?? [];
    void Promise.all(behind.map((conversationId) => this.order.catchUp(conversationId))).then(
      () => {
        if (generation !== this.generation || this.current !== State.Connected) return;
        this.attempt = 0;
        this.synced = true;
        this.emit('synced', { conversations: frame.conversations, changes: frame.changes });
      },
    );
  }

  private settle(id: string, settle: (request: Pending) => void): void {
    const request = this.pending.get(id);
    if (!request) return; // timed out already, or answered twice
    this.pending.delete(id);
    clearTimeout(request.timer);
    settle(request);
  }

  /** A change in cs order, once: the events apps see. */
  private apply(change: ChangeFrame): 'continue' | 'untrack' {
    switch (change.type) {
      case 'message':
        this.emit('message', change);
        return 'continue';
      case 'membership': {
        const removedMe =
          change.item.eventType === 'MemberRemoved' &&
          this.userId !== undefined &&
          change.item.notice?.userId === this.userId;
        this.emit('membership', { ...change, removedMe });
        return removedMe ? 'untrack' : 'continue';
      }
      case 'edit':
        this.emit('edit', change);
        return 'continue';
      case 'delete':
        this.emit('delete', change);
        return 'continue';
      case 'reaction':
        this.emit('reaction', change);
        return 'continue';
      case 'receipt':
        this.emit('receipt', change);
        return 'continue';
      case 'skip':
        return 'continue';
    }
  }

  private setState(state: State, close?: StateChange['close']): void {
    if (this.current === state) return;
    const previous = this.current;
    this.current = state;
    this.emit('state', close ? { state, previous, close } : { state, previous });
  }

  private emit<K extends keyof ChatClientEvents>(type: K, payload: ChatClientEvents[K]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        (listener as Listener<ChatClientEvents[K]>)(payload);
      } catch (error) {
        // One app listener failing must not stop the client (or the other listeners).
        if (type !== 'error') {
          this.emit('error', { code: 'listener-failed', message: (error as Error).message });
        }
      }
    }
  }
}

/** Options are checked once, here, so a mistake fails at construction and not on a reconnect. */
function validate(options: ChatClientOptions): void {
  if (!/^wss?:\/\//.test(options.url ?? '')) {
    throw new Error(`url must be a ws:// or wss:// URL, not ${JSON.stringify(options.url)}`);
  }
  if (typeof options.token !== 'string' && typeof options.token !== 'function') {
    throw new Error('token must be a string or a function returning one');
  }
  const positive = {
    'backoff.initialMs': options.backoff?.initialMs,
    'backoff.maxMs': options.backoff?.maxMs,
    requestTimeoutMs: options.requestTimeoutMs,
    sendAttempts: options.sendAttempts,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new Error(`${name} must be a positive number, not ${String(value)}`);
    }
  }
}
