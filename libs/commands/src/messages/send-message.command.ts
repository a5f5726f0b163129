import { Command } from '@nestjs/cqrs';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import type { sendMessageBody } from '../request-schemas';

/** A message as every transport parses it (HTTP body, `send` frame). */
export type SendMessageInput = z.infer<typeof sendMessageBody>;

/** What a send did: its message, the ids of its events, and whether it was a retry. */
export interface SentMessage {
  accepted: { conversationId: string; messageId: string; eventIds: string[] };
  replayed: boolean;
}

/** A message, at most once per sender and client message id. */
export class SendMessageCommand extends Command<SentMessage> {
  constructor(
    readonly actor: Principal,
    readonly conversationId: string,
    readonly message: SendMessageInput,
  ) {
    super();
  }
}
