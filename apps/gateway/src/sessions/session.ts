import { randomUUID } from 'node:crypto';
import type { Principal } from '@chat/auth';
import { refusalOf } from '@chat/commands';
import {
  CLOSE_CODES,
  errorFrame,
  PROTOCOL_VERSION,
  type ClientFrame,
  type PresenceState,
  type Refusal,
  type ServerFrame,
} from '@chat/protocol';
import type { LiveChange } from '@chat/views';
import { ChangeStream, type ChangeSink } from '../changes/change-stream';
import { handleFrame } from '../frames/frame-handlers';
import { refusalOfBudget } from '../limits/budgets';
import { PresenceShown } from '../presence/presence-shown';
import type { Transport } from '../transport/transport';
import { FrameIntake, type Rebuff } from './frame-intake';
import type { SessionDeps } from './session-deps';

/**
 * One client connection, whatever the transport: its state (`new` until hello, then `open`,
 * then `closed`), what it has sent (its change stream, the presence it showed) and its
 * transport. What each frame does is its handler's business (frames/).
 */
export class Session implements ChangeSink {
  readonly connectionId = randomUUID();
  private state: 'new' | 'open' | 'closed' = 'new';
  private readonly intake = new FrameIntake();
  readonly changes: ChangeStream;
  readonly presenceShown = new PresenceShown();

  constructor(
    readonly principal: Principal,
    private readonly transport: Transport,
    private readonly deps: SessionDeps,
  ) {
    this.changes = new ChangeStream(this, principal.userId, deps.queries, deps.logger);
  }

  get userId() {
    return this.principal.userId;
  }

  /** Before hello. */
  get isNew() {
    return this.state === 'new';
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
      const read = this.intake.read(raw);
      if ('rebuff' in read) return this.rebuff(read.rebuff);
      const { frame } = read;
      id = frame.id;
      if (this.state === 'new' && frame.type !== 'hello') {
        this.close(CLOSE_CODES.noHello, 'the first frame must be hello');
        return;
      }
      const refusal = this.deps.refusal(this.userId, frame.type);
      if (refusal) return this.rebuff(this.intake.refused(id, refusalOfBudget(refusal)));
      await this.handle(frame);
    } catch (error) {
      this.fail(id, error);
    }
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

  /** Hello was said: frames other than hello are taken from now on. */
  open(): void {
    if (this.state === 'new') this.state = 'open';
  }

  /** A change projected in a conversation this user may see. */
  deliver(conversationId: string, change: LiveChange): void {
    if (this.state !== 'closed') this.changes.deliver(conversationId, change);
  }

  typing(conversationId: string, userId: string): void {
    if (this.state === 'open') this.send({ type: 'typing', conversationId, userId });
  }

  /** A watched user's presence as this viewer may see it; sent only when it changed. */
  presence(state: PresenceState): void {
    if (this.state !== 'open') return;
    if (this.presenceShown.changed(state)) this.send({ type: 'presence', presence: state });
  }

  /** These users' presence may no longer be seen: their watches are gone. */
  presenceRevoked(userIds: string[]): void {
    this.presenceShown.forget(userIds);
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

  reply(id: string | undefined, result: unknown): void {
    if (id !== undefined) this.send({ type: 'result', id, result });
  }

  /** A frame the client should not have sent now: an error, or a close past the limit. */
  badFrame(id: string | undefined, refusal: Refusal): void {
    this.rebuff(this.intake.bad(id, refusal));
  }

  /** A frame, or one already encoded (a live change shared by many sessions). */
  send(frame: ServerFrame | Buffer): void {
    if (this.state === 'closed') return;
    const text = Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    if (!this.transport.send(text)) {
      this.close(CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume');
    }
  }

  private handle(frame: ClientFrame): Promise<void> | void {
    return handleFrame(frame, this, this.deps);
  }

  /**
   * A failure as the client's `error` frame: a refusal reads as it does over HTTP (its code,
   * whether to retry, when), a dependency that is down is retriable, never a result, and a
   * fault of the server is `internal-error`, logged. A rate limit counts as a refused frame.
   */
  private fail(id: string | undefined, error: unknown): void {
    const refusal = refusalOf(error, (unexpected) =>
      this.deps.logger.error({ err: unexpected, userId: this.userId }, 'frame failed'),
    );
    if (refusal.status === 429) return this.rebuff(this.intake.refused(id, refusal));
    this.send(errorFrame(refusal, id));
  }

  private rebuff(rebuff: Rebuff): void {
    if ('close' in rebuff) this.close(rebuff.close.code, rebuff.close.reason);
    else this.send(rebuff.error);
  }
}
