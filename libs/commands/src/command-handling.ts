import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import { messageIdFor, type ConversationCommand } from '@chat/domain';
import type { ChatEvent, ConversationEvent } from '@chat/events';
import { accepted } from './accepted';
import { CommandPipeline, type MemberDecider } from './command-pipeline';
import type { EventLog } from './event-log';
import type { DownloadUrl, MediaAttachments } from './media-attachments';
import { messageMediaKey } from './media-keys';
import { refuse } from './problem';
import { conversationParams, deliveredBody, readBody, sendMessageBody } from './request-schemas';
import { SendAdmission } from './send-admission';
import { SendIdempotency, type SendOutcome } from './send-idempotency';
import { createTokenBucket, type TokenBucket } from './token-bucket';
import { validate } from './validate';

export type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;
export type SendMessageBody = z.infer<typeof sendMessageBody>;
export type Accepted = ReturnType<typeof accepted>;

/** Base64 ciphertext of a request as the bytes a command carries. */
export const bytesOf = (ciphertext: { algorithm: string; data: string } | null) =>
  ciphertext && { algorithm: ciphertext.algorithm, data: Buffer.from(ciphertext.data, 'base64') };

/**
 * The send a validated body names: its message id derived from sender and client id. Not
 * exported: a send is built by `CommandHandling.prepareSend`, which checks its media first.
 */
function sendCommand(
  actor: Principal,
  conversationId: string,
  message: Omit<SendMessageBody, 'mediaId'>,
): SendMessage {
  return {
    type: 'SendMessage',
    conversationId,
    messageId: messageIdFor(actor.userId, message.clientMessageId),
    ...message,
    ciphertext: bytesOf(message.ciphertext),
  };
}

/** The body of a send's 202: its message, and the ids of the events it appended. */
export const sendAccepted = (command: SendMessage, eventIds: string[]) => ({
  conversationId: command.conversationId,
  messageId: command.messageId,
  eventIds,
});

/**
 * Command handling, whatever carries the command (the command API's HTTP routes, the
 * gateway's WebSocket frames): the user's rate limit, load-decide-append through the
 * pipeline, and "once" for sends. Every caller holds an already verified principal.
 */
export class CommandHandling {
  private readonly pipeline: CommandPipeline;
  private readonly idempotency: SendIdempotency;
  private readonly admission: SendAdmission;
  private readonly bucket: TokenBucket;
  private readonly media: MediaAttachments | null;

  constructor(deps: {
    pool: Pool;
    redis: Redis;
    log: EventLog;
    config: Config;
    /** Media on messages; without it a send that carries media is refused. */
    media?: MediaAttachments;
  }) {
    this.media = deps.media ?? null;
    this.pipeline = new CommandPipeline(deps.pool, deps.log, deps.config.limits);
    this.idempotency = new SendIdempotency(deps.redis);
    this.admission = new SendAdmission(
      deps.config.limits.maxPendingSends,
      deps.config.limits.maxPendingSendsPerUser,
    );
    this.bucket = createTokenBucket(deps.redis, {
      ratePerSecond: deps.config.limits.ratePerSecond,
      burst: deps.config.limits.rateBurst,
    });
  }

  /**
   * Runs a send holding a place among this process's unanswered sends, or refuses it at once
   * (see SendAdmission): 429 past the user's share, 503 `overloaded` past the process's bound.
   * Every transport spends the user's budget first (`spend`: a refused send takes no place),
   * then wraps the send in this as it arrives, so the time it waits in a queue counts too.
   */
  async admitted<T>(userId: string, send: () => Promise<T>): Promise<T> {
    const release = this.admission.take(userId);
    try {
      return await send();
    } finally {
      release();
    }
  }

  /** One token of the user's budget (shared by every instance and transport), or a 429. */
  async spend(userId: string): Promise<void> {
    let result: Awaited<ReturnType<TokenBucket['take']>>;
    try {
      result = await this.bucket.take(userId);
    } catch {
      throw refuse('rate-limiter-unavailable', 'the rate limiter cannot be reached');
    }
    if (result.allowed) return;
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw refuse('rate-limited', `too many commands; retry in ${seconds} s`, {
      retryAfterMs: result.retryAfterMs,
    });
  }

  /** Any command but a send: decided and appended (resolves after Kafka), or refused. */
  run(actor: Principal, command: Exclude<ConversationCommand, SendMessage>) {
    return this.pipeline.run(actor, command);
  }

  /** A member's own setting about a conversation (mute), decided on their membership. */
  runAsMember<E extends ChatEvent>(
    actor: Principal,
    conversationId: string,
    decideFor: MemberDecider<E>,
  ): Promise<E[]> {
    return this.pipeline.runAsMember(actor, conversationId, decideFor);
  }

  /**
   * The send a validated body names, its media checked first, for every transport: media is
   * referenced by mediaId only, and the object must be the sender's upload and what the
   * reference says; it is then moved under the message.
   */
  async prepareSend(
    actor: Principal,
    conversationId: string,
    message: SendMessageBody,
  ): Promise<SendMessage> {
    const { mediaId, ...rest } = message;
    if (rest.media && !mediaId) {
      throw refuse('media-needs-upload', 'media is referenced by mediaId, from an upload');
    }
    const command = sendCommand(actor, conversationId, rest);
    if (!mediaId) return { ...command, media: null };
    const attachments = this.attachments();
    // Decided before the store is touched: a send refused (a non-member, a reply to nothing)
    // must leave no copy or thumbnail under a conversation it may not write to. The send is
    // decided again when appended; this one only refuses early.
    await this.pipeline.decide(actor, {
      ...command,
      kind: 'MEDIA',
      media: {
        objectKey: messageMediaKey(conversationId, command.messageId),
        contentType: rest.media?.contentType ?? 'application/octet-stream',
        sizeBytes: rest.media?.sizeBytes ?? 0,
      },
    });
    const media = await attachments.attach(
      actor,
      { conversationId, messageId: command.messageId, mediaId },
      rest.media ?? null,
    );
    return { ...command, kind: 'MEDIA', media };
  }

  /** A signed download URL for the message's media, for a member who may see the message. */
  mediaUrl(actor: Principal, conversationId: string, messageId: string): Promise<DownloadUrl> {
    return this.attachments().downloadUrl(actor, conversationId, messageId, () =>
      this.pipeline.catchUp(),
    );
  }

  /** After a delete for everyone: the message's media object goes. */
  async removeMedia(conversationId: string, messageId: string): Promise<void> {
    await this.media?.removeForMessage(conversationId, messageId);
  }

  /** A send, at most once per sender and client message id. */
  sendMessage(actor: Principal, command: SendMessage): Promise<SendOutcome> {
    return this.idempotency.once(actor.userId, command, {
      decide: () => this.pipeline.decide(actor, command),
      append: (events) => this.pipeline.append(events),
    });
  }

  // The same commands from raw input, as a transport without its own validation hands them
  // over: budget first, then the HTTP request schemas, then handling.

  /**
   * A send from raw input. Its budget is spent by the caller before it takes its place
   * (`spend`, then `admitted`), as the command API's guard does for HTTP, so that the order
   * is the same on every transport.
   */
  async send(actor: Principal, conversationId: string, input: unknown) {
    const params = validate(conversationParams, { conversationId }, 'path');
    const message = validate(sendMessageBody, input);
    const command = await this.prepareSend(actor, params.conversationId, message);
    const { replayed, eventIds } = await this.sendMessage(actor, command);
    return { accepted: sendAccepted(command, eventIds), replayed };
  }

  async delivered(actor: Principal, conversationId: string, input: unknown): Promise<Accepted> {
    await this.spend(actor.userId);
    const params = validate(conversationParams, { conversationId }, 'path');
    const { upToSeq, deviceId } = validate(deliveredBody, input);
    return this.accept(actor, {
      type: 'AcknowledgeDelivered',
      conversationId: params.conversationId,
      upToSeq,
      deviceId: deviceId ?? null,
    });
  }

  async read(actor: Principal, conversationId: string, input: unknown): Promise<Accepted> {
    await this.spend(actor.userId);
    const params = validate(conversationParams, { conversationId }, 'path');
    const { upToSeq } = validate(readBody, input);
    return this.accept(actor, {
      type: 'MarkRead',
      conversationId: params.conversationId,
      upToSeq,
    });
  }

  private attachments(): MediaAttachments {
    if (!this.media) {
      throw refuse('media-store-unavailable', 'this service has no object storage');
    }
    return this.media;
  }

  private async accept(actor: Principal, command: Exclude<ConversationCommand, SendMessage>) {
    const events: ConversationEvent[] = await this.run(actor, command);
    return accepted(command.conversationId, events);
  }
}
