import { randomUUID } from 'node:crypto';
import type { Principal } from '@chat/auth';
import type { CommandBus } from '@nestjs/cqrs';
import {
  AcknowledgeDeliveredCommand,
  IssueMediaDownloadUrlCommand,
  MarkReadCommand,
  refusalOf,
  SendMessageCommand,
} from '@chat/commands';
import type { Logger } from '@chat/observability';
import {
  CLIENT_FRAME_TYPES,
  clientFrame,
  CLOSE_CODES,
  errorFrame,
  isRefusalCode,
  namedRuleCode,
  PROTOCOL_VERSION,
  refuse,
  type ChangeFrame,
  type ClientFrame,
  type ClientFrameType,
  type PresenceState,
  type Refusal,
  type RefusalCode,
  type ServerFrame,
} from '@chat/protocol';
import { ViewError, type ChatQueries, type LiveChange } from '@chat/views';
import { WindowCounter } from '../limits/window-counter';
import { refusalOfBudget, type RateRefusal } from '../limits/budgets';
import type { Transport } from '../transport/transport';

/** What a session needs from its gateway. */
export interface SessionDeps {
  queries: ChatQueries;
  /** The command API's own command bus, run in this process for the socket's user. */
  commands: Pick<CommandBus, 'execute'>;
  logger: Logger;
  /** Tells the members who may see this user that they are typing (throttled per user). */
  relayTyping(conversationId: string, userId: string, connectionId: string): Promise<void>;
  /** Why this user's frame is not taken now (its budget, see limits/budgets), or null. */
  refusal(userId: string, type: ClientFrameType): RateRefusal | null;
  watchPresence(session: Session, userIds: string[]): void;
  unwatchPresence(session: Session, userIds: string[]): void;
}

/** Bad frames tolerated in ABUSE_WINDOW_MS before the connection is closed as abusive. */
const BAD_FRAME_LIMIT = 20;
/**
 * Frames refused by a budget tolerated in ABUSE_WINDOW_MS: a client that goes on sending past
 * `retryAfterMs` costs the process a parse and an answer per frame all the same, so past this
 * it is closed as abusive, and its reconnects are held to the connection budget.
 */
const REFUSED_FRAME_LIMIT = 200;
const ABUSE_WINDOW_MS = 10_000;
/** Changes per conversation sent on resume; past this the client pages with `sync`. */
const RESUME_LIMIT = 1000;
/** Conversations per page of the walk over the user's conversations on resume. */
const RESUME_PAGE = 200;
/** Queued deliveries before a session is closed as a slow consumer. */
const MAX_QUEUED = 10_000;

/**
 * A live change's frame as UTF-8, made once for every session it goes to: a message to a group
 * is the same frame on every member's socket, and serializing it per socket made the fan-out
 * cost grow with the group.
 */
const encodedChanges = new WeakMap<LiveChange, { conversationId: string; bytes: Buffer }>();
function encodedChange(frame: ChangeFrame, change: LiveChange): Buffer {
  const known = encodedChanges.get(change);
  if (known?.conversationId === frame.conversationId) return known.bytes;
  const bytes = Buffer.from(JSON.stringify(frame));
  encodedChanges.set(change, { conversationId: frame.conversationId, bytes });
  return bytes;
}

/**
 * The unknown type of a frame as an error message may quote it: never the client's value
 * serialized whole, which may be nested deeper than the stack (a RangeError) or be megabytes.
 */
function describeType(type: unknown): string {
  if (typeof type === 'string') return JSON.stringify(type.slice(0, 64));
  if (Array.isArray(type)) return '(an array)';
  return type === null ? 'null' : `(a ${typeof type})`;
}

/**
 * One client connection, whatever the transport. On `hello` it sends every change the client
 * missed (per conversation, after the client's cs cursor, or after its read position where it
 * has none), walking the user's conversations by id so that none is passed over, then live
 * changes: those arriving meanwhile wait in the queue, and any change at or below the cs
 * already sent is dropped, so the seam has neither gap nor duplicate. A live change that
 * skips a cs (a missed publication) is preceded by the missing ones, read from the timeline.
 */
export class Session {
  readonly connectionId = randomUUID();
  private state: 'new' | 'open' | 'closed' = 'new';
  private readonly sentCs = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly badFrames = new WindowCounter(BAD_FRAME_LIMIT, ABUSE_WINDOW_MS);
  private readonly refusedFrames = new WindowCounter(REFUSED_FRAME_LIMIT, ABUSE_WINDOW_MS);
  private readonly presenceShown = new Map<string, string>();

  constructor(
    readonly principal: Principal,
    private readonly transport: Transport,
    private readonly deps: SessionDeps,
  ) {}

  get userId() {
    return this.principal.userId;
  }

  get isOpen() {
    return this.state === 'open';
  }

  /**
   * A text frame from the client. Never rejects: whatever one frame does, the answer is an
   * `error` frame or a close, and the process goes on.
   */
  async receive(raw: string): Promise<void> {
    let id: string | undefined;
    try {
      if (this.state === 'closed') return;
      const frame = this.parse(raw);
      if (!frame) return;
      id = frame.id;
      if (this.state === 'new' && frame.type !== 'hello') {
        this.close(CLOSE_CODES.noHello, 'the first frame must be hello');
        return;
      }
      const refusal = this.deps.refusal(this.userId, frame.type);
      if (refusal) return this.refused(id, refusalOfBudget(refusal));
      await this.handle(frame);
    } catch (error) {
      this.fail(id, error);
    }
  }

  /** The frame, or null when it is not one (answered with an error frame here). */
  private parse(raw: string): ClientFrame | null {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.badFrame(undefined, 'bad-frame', 'a frame is one JSON object');
      return null;
    }
    const parsed = clientFrame.safeParse(json);
    if (parsed.success) return parsed.data;
    const requestId =
      typeof (json as { id?: unknown })?.id === 'string' ? (json as { id: string }).id : undefined;
    const type = (json as { type?: unknown })?.type;
    // A rule across a command's fields refuses it as the command would be refused.
    const named = namedRuleCode(parsed.error.issues);
    if (isRefusalCode(named)) {
      const message = parsed.error.issues.find((i) => i.code === 'custom')?.message ?? named;
      this.send(errorFrame(refuse(named, message), requestId));
    } else if (typeof type === 'string' && CLIENT_FRAME_TYPES.has(type)) {
      const issues = parsed.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.slice(0, 8).join('.') || 'frame'}: ${i.message}`);
      this.badFrame(requestId, 'invalid-frame', issues.join('; '));
    } else {
      this.badFrame(requestId, 'unknown-type', `unknown frame type ${describeType(type)}`);
    }
    return null;
  }

  /** Starts a session without a hello frame (Server-Sent Events: the cursors come in the URL). */
  async start(cursors: Record<string, number>): Promise<void> {
    if (this.state === 'closed') return;
    try {
      await this.handle({ type: 'hello', v: PROTOCOL_VERSION, cursors });
    } catch (error) {
      this.fail(undefined, error);
    }
  }

  /** A change projected in a conversation this user may see. */
  deliver(conversationId: string, change: LiveChange): void {
    if (this.state === 'closed') return;
    if (++this.queued > MAX_QUEUED) {
      this.close(CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume');
      return;
    }
    this.enqueue(async () => {
      this.queued--;
      await this.sendChange(conversationId, change);
    });
  }

  typing(conversationId: string, userId: string): void {
    if (this.state === 'open') this.send({ type: 'typing', conversationId, userId });
  }

  /** A watched user's presence as this viewer may see it; sent only when it changed. */
  presence(state: PresenceState): void {
    if (this.state !== 'open') return;
    const shown = JSON.stringify(state);
    if (this.presenceShown.get(state.userId) === shown) return;
    this.presenceShown.set(state.userId, shown);
    this.send({ type: 'presence', presence: state });
  }

  /** These users' presence may no longer be seen: their watches are gone. */
  presenceRevoked(userIds: string[]): void {
    for (const userId of userIds) this.presenceShown.delete(userId);
    if (this.state === 'open') this.send({ type: 'presence.revoked', userIds });
  }

  /** The gateway is going away: tell the client to reconnect (elsewhere), then close. */
  drain(): void {
    this.send({ type: 'reconnect', reason: 'server restarting' });
    this.close(CLOSE_CODES.serviceRestart, 'server restarting: reconnect');
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.transport.close(code, reason);
  }

  /** The transport is gone. */
  ended(): void {
    this.state = 'closed';
  }

  private async handle(frame: ClientFrame): Promise<void> {
    const { queries, commands } = this.deps;
    const me = this.userId;
    switch (frame.type) {
      case 'hello': {
        // Said once per connection: a repeat is a client's mistake, counted as a bad frame.
        if (this.state !== 'new')
          return this.badFrame(frame.id, 'bad-page', 'hello was already said');
        if (frame.v !== PROTOCOL_VERSION) {
          this.close(
            CLOSE_CODES.unsupportedVersion,
            `this server speaks version ${PROTOCOL_VERSION}`,
          );
          return;
        }
        this.state = 'open';
        this.send({
          type: 'welcome',
          v: PROTOCOL_VERSION,
          userId: me,
          deviceId: this.principal.deviceId,
          connectionId: this.connectionId,
        });
        this.enqueue(() => this.resume(frame.cursors));
        return;
      }
      case 'send': {
        // Sends of one sender to one conversation keep their order in the command pipeline.
        const { conversationId, clientMessageId, kind, body, replyTo, ciphertext, media, mediaId } =
          frame;
        const message = { clientMessageId, kind, body, replyTo, ciphertext, media, mediaId };
        const sent = await commands.execute(
          new SendMessageCommand(this.principal, conversationId, message),
        );
        return this.reply(frame.id, sent.accepted);
      }
      case 'ack': {
        const { conversationId, upToSeq } = frame;
        const deviceId = this.principal.deviceId ?? null;
        return this.reply(
          frame.id,
          await commands.execute(
            new AcknowledgeDeliveredCommand(this.principal, { conversationId, upToSeq, deviceId }),
          ),
        );
      }
      case 'read': {
        const { conversationId, upToSeq } = frame;
        return this.reply(
          frame.id,
          await commands.execute(new MarkReadCommand(this.principal, { conversationId, upToSeq })),
        );
      }
      case 'typing':
        return this.deps.relayTyping(frame.conversationId, me, this.connectionId);
      case 'presence.subscribe': {
        const states = await queries.presence(me, frame.userIds);
        this.deps.watchPresence(this, frame.userIds);
        for (const state of states) this.presenceShown.set(state.userId, JSON.stringify(state));
        return this.reply(frame.id, { presence: states });
      }
      case 'media.url':
        return this.reply(
          frame.id,
          await commands.execute(
            new IssueMediaDownloadUrlCommand(this.principal, frame.conversationId, frame.messageId),
          ),
        );
      case 'presence.unsubscribe':
        this.deps.unwatchPresence(this, frame.userIds);
        for (const userId of frame.userIds) this.presenceShown.delete(userId);
        return this.reply(frame.id, { unsubscribed: frame.userIds });
      case 'history':
        return this.reply(
          frame.id,
          await queries.history(me, frame.conversationId, {
            beforeSeq: frame.beforeSeq,
            limit: frame.limit,
          }),
        );
      case 'sync':
        return this.reply(
          frame.id,
          await queries.changesAfter(me, frame.conversationId, frame.afterCs, {
            limit: frame.limit,
          }),
        );
      case 'search': {
        const { q, conversationId, senderId, from, to, limit, after } = frame;
        return this.reply(
          frame.id,
          await queries.search(me, q, { conversationId, senderId, from, to, limit, after }),
        );
      }
      case 'inbox':
        return this.reply(
          frame.id,
          await queries.inboxOf(me, { after: frame.after, limit: frame.limit }),
        );
    }
  }

  /** What the client missed, conversation by conversation, oldest first. */
  private async resume(cursors: Record<string, number>): Promise<void> {
    const { queries } = this.deps;
    let conversations = 0;
    let changes = 0;
    const more: string[] = [];
    let after: string | undefined;
    // What the client has is never sent again, even where the walk does not reach it.
    for (const [conversationId, cs] of Object.entries(cursors)) this.sentCs.set(conversationId, cs);
    do {
      const page = await queries.conversationsOf(this.userId, { limit: RESUME_PAGE, after });
      const starts = await queries.resumeStarts(
        this.userId,
        page.conversationIds.filter((id) => cursors[id] === undefined),
      );
      for (const conversationId of page.conversationIds) {
        if (this.state === 'closed') return;
        const from = cursors[conversationId] ?? starts.get(conversationId);
        // No cursor and no longer a member: nothing to tell this device.
        if (from === undefined || from === null) continue;
        if (!this.sentCs.has(conversationId)) this.sentCs.set(conversationId, from);
        const missed = await this.sendMissed(conversationId, Number.MAX_SAFE_INTEGER, RESUME_LIMIT);
        if (missed.sent > 0) conversations++;
        changes += missed.sent;
        // Stopped at the limit: without being told, a device would wait for a live change to
        // show it the rest exists, and none may come.
        if (missed.more) more.push(conversationId);
      }
      after = page.next ?? undefined;
    } while (after);
    this.send({ type: 'synced', conversations, changes, more });
  }

  /**
   * Sends the changes after what was sent, up to cs `toCs`, at most `max` frames: how many it
   * sent, and whether it stopped at `max` with more to send.
   */
  private async sendMissed(
    conversationId: string,
    toCs: number,
    max: number,
  ): Promise<{ sent: number; more: boolean }> {
    let sent = 0;
    for (;;) {
      if (this.state !== 'open') return { sent, more: false };
      if (sent >= max) return { sent, more: true };
      const afterCs = this.sentCs.get(conversationId) ?? 0;
      if (afterCs >= toCs) return { sent, more: false };
      let page;
      try {
        page = await this.deps.queries.changesAfter(this.userId, conversationId, afterCs, {
          limit: Math.min(200, max - sent),
        });
      } catch (error) {
        // A removal at the cursor: the device has everything it may see.
        if (error instanceof ViewError && error.code === 'not-a-member')
          return { sent, more: false };
        throw error;
      }
      for (const frame of page.changes) {
        if (frame.cs! > toCs) break;
        this.sendChangeFrame(frame);
        sent++;
      }
      const through = Math.min(page.throughCs, toCs);
      if (through > (this.sentCs.get(conversationId) ?? 0))
        this.sentCs.set(conversationId, through);
      if (!page.more) return { sent, more: false };
    }
  }

  private async sendChange(conversationId: string, change: LiveChange): Promise<void> {
    if (this.state !== 'open') return;
    const frame = { ...change, conversationId } as ChangeFrame;
    const encoded = () => encodedChange(frame, change);
    // Group receipts have no cs: own-device signals, neither ordered nor repaired.
    if (frame.cs === undefined) return this.sendEncoded(encoded());
    const sent = this.sentCs.get(conversationId);
    if (sent !== undefined && frame.cs > sent + 1) {
      // A publication was missed: what lies between is in the timeline already.
      await this.sendMissed(conversationId, frame.cs - 1, Number.MAX_SAFE_INTEGER).catch(
        (error: unknown) =>
          this.deps.logger.warn({ err: error }, 'gap repair failed; the client will sync'),
      );
    }
    this.sendChangeFrame(frame, encoded);
  }

  /** The one place a change frame goes out: at most once per cs, in cs order. */
  private sendChangeFrame(frame: ChangeFrame, encoded?: () => Buffer): void {
    const sent = this.sentCs.get(frame.conversationId);
    if (frame.cs !== undefined) {
      if (sent !== undefined && frame.cs <= sent) return;
      this.sentCs.set(frame.conversationId, frame.cs);
    }
    if (encoded) this.sendEncoded(encoded());
    else this.send(frame);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, userId: this.userId }, 'delivery failed');
    });
  }

  private reply(id: string | undefined, result: unknown): void {
    if (id !== undefined) this.send({ type: 'result', id, result });
  }

  /**
   * A failure as the client's `error` frame: a refusal reads as it does over HTTP (its code,
   * whether to retry, when), a dependency that is down is retriable, never a result, and a
   * fault of the server is `internal-error`, logged.
   */
  private fail(id: string | undefined, error: unknown): void {
    const refusal = refusalOf(error, (unexpected) =>
      this.deps.logger.error({ err: unexpected, userId: this.userId }, 'frame failed'),
    );
    if (refusal.status === 429) return this.refused(id, refusal);
    this.send(errorFrame(refusal, id));
  }

  /** A frame refused by a budget: an error with when to retry, or a close past the limit. */
  private refused(id: string | undefined, refusal: Refusal): void {
    if (this.refusedFrames.hit(Date.now())) {
      this.close(CLOSE_CODES.abusive, 'too many frames past the rate limit');
      return;
    }
    this.send(errorFrame(refusal, id));
  }

  private badFrame(id: string | undefined, code: RefusalCode, message: string): void {
    if (this.badFrames.hit(Date.now())) {
      this.close(CLOSE_CODES.abusive, 'too many bad frames');
      return;
    }
    this.send(errorFrame(refuse(code, message), id));
  }

  private send(frame: ServerFrame): void {
    this.sendEncoded(JSON.stringify(frame));
  }

  private sendEncoded(text: string | Buffer): void {
    if (this.state === 'closed') return;
    if (!this.transport.send(text)) {
      this.close(CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume');
    }
  }
}
