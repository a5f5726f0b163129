import type { CloseAction, PresenceState } from '@chat/protocol';
import type {
  DeleteFrame,
  EditFrame,
  ReactionFrame,
  ReceiptFrame,
  MembershipFrame,
  MessageFrame,
} from './wire';

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

/**
 * Where the client is:
 * - `disconnected`: no socket; the first `connect()` has not been called, or a reconnect is
 *   scheduled after a close that allows one.
 * - `connecting`: getting a token, opening a socket, saying hello.
 * - `connected`: the server welcomed us; requests flow.
 * - `closed`: it will not connect again by itself: `close()` was called, or the server closed
 *   with a final code (or refused every fresh token). `connect()` starts again.
 */
export enum State {
  Disconnected = 'disconnected',
  Connecting = 'connecting',
  Connected = 'connected',
  Closed = 'closed',
}

export interface StateChange {
  state: State;
  previous: State;
  /** The close that caused this change, when one did. */
  close?: { code: number; reason: string; action: CloseAction | 'client' };
}

export interface ChatClientOptions {
  /** The gateway's WebSocket URL, e.g. ws://127.0.0.1:3001/v1/ws */
  url: string;
  /**
   * A bearer token, or a function that returns one. The function is asked once for the first
   * connection and again whenever the server closes with 4001 (expired or refused token);
   * a plain string cannot be refreshed, so a 4001 then closes the client.
   */
  token: string | (() => string | Promise<string>);
  /** The WebSocket implementation: the global one in browsers, `ws` in Node. */
  WebSocket?: WebSocketFactory;
  /** Cursors saved from an earlier session (`cursors()`): the last cs seen per conversation. */
  cursors?: Record<string, number>;
  /** Reconnect delays: exponential from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long any request waits for its answer, connecting included (default 10 s). */
  requestTimeoutMs?: number;
  /** Attempts of one `send` on retriable failures, all with the same clientMessageId (default 5). */
  sendAttempts?: number;
  /** The command API's base URL, e.g. http://127.0.0.1:3000: needed by `sendMedia` only. */
  apiUrl?: string;
  /** The fetch implementation for `sendMedia` (default: the global one). */
  fetch?: typeof fetch;
}

/** A file to send: its bytes and MIME type (a browser File or Blob has both). */
export interface MediaFile {
  bytes: Blob | Uint8Array;
  contentType: string;
}

export interface RequestOptions {
  /** Overrides `requestTimeoutMs` for this request. */
  timeoutMs?: number;
}

export interface SendOptions extends RequestOptions {
  /**
   * The id that makes this send idempotent. Drawn once per call when not given; pass a saved
   * one to retry a send whose outcome is unknown (it never posts twice).
   */
  clientMessageId?: string;
  /** Overrides `sendAttempts` for this send. */
  attempts?: number;
}

export interface SendResult {
  conversationId: string;
  messageId: string;
  eventIds: string[];
  clientMessageId: string;
}

/** What `send` returns: the answer, and at once the id to save for a retry after a crash. */
export type PendingSend = Promise<SendResult> & { readonly clientMessageId: string };

export type MessageEvent = MessageFrame;
export type MembershipEvent = MembershipFrame & {
  /** This change removed the current user: the conversation is no longer tracked. */
  removedMe: boolean;
};

/** Every event of the client and what it carries. */
export interface ChatClientEvents {
  state: StateChange;
  /** The server welcomed this connection. */
  connected: { connectionId: string; userId: string; deviceId: string | null };
  /** The socket closed; `action` says what the client does about it. */
  disconnected: { code: number; reason: string; action: CloseAction | 'client' };
  /** Resume finished: everything missed was received (paged where the resume stopped short). */
  synced: { conversations: number; changes: number };
  message: MessageEvent;
  membership: MembershipEvent;
  edit: EditFrame;
  delete: DeleteFrame;
  /**
   * A member's reaction on an item, one per member: `present` replaces theirs; not `present`
   * clears theirs only if it names it.
   */
  reaction: ReactionFrame;
  /** A receipt; group receipts (the reader's own devices) carry no cs. */
  receipt: ReceiptFrame;
  presence: PresenceState;
  /** These users' presence may no longer be seen: forget what was shown of them. */
  'presence.revoked': { userIds: string[] };
  typing: { conversationId: string; userId: string };
  /** A server error that answers no request, or a failure of the client's own work. */
  error: { code: string; message: string; retriable?: boolean; retryAfterMs?: number };
  /** Changes fetched with `sync`: a gap in the cs repaired, or the rest of a resume. */
  gap: { conversationId: string; afterCs: number; throughCs: number };
}

export type Listener<T> = (payload: T) => void;

/**
 * Failures the client makes itself, and whether another attempt may fix each: a request that
 * got no answer in time, or lost its socket, may; one the client refuses to send, or made
 * after `close()`, may not. Whether a server's refusal may be retried is the server's to say
 * (`retriable` on its `error` frame and problem bodies): the client keeps no list of its codes.
 */
export const CLIENT_FAILURES = {
  timeout: true,
  disconnected: true,
  closed: false,
  'frame-too-big': false,
  'upload-failed': false,
} as const;

export type ClientFailure = keyof typeof CLIENT_FAILURES;

/** What the server says of a refusal: an `error` frame, or an HTTP problem body. */
export interface ServerRefusal {
  code: string;
  /** The `error` frame's words... */
  message?: string;
  /** ...or the problem body's. */
  detail?: string;
  retriable?: boolean;
  retryAfterMs?: number;
}

/** A request that failed: refused by the server (its `error` frame), timed out, or closed. */
export class ChatError extends Error {
  /** Whether the same request may succeed when tried again: the server's word on its refusals. */
  readonly retriable: boolean;
  /** How long the server asked to wait before trying again, when it asked. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: string,
    message: string,
    options: { retriable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ChatError';
    this.retriable =
      options.retriable ?? (CLIENT_FAILURES as Record<string, boolean>)[code] ?? false;
    if (typeof options.retryAfterMs === 'number' && options.retryAfterMs >= 0) {
      this.retryAfterMs = options.retryAfterMs;
    }
  }

  /** A refusal as the server judged it: retriable only when the server says so. */
  static fromServer(refusal: ServerRefusal, fallbackMessage = refusal.code): ChatError {
    return new ChatError(refusal.code, refusal.message ?? refusal.detail ?? fallbackMessage, {
      retriable: refusal.retriable === true,
      retryAfterMs: refusal.retryAfterMs,
    });
  }
}
