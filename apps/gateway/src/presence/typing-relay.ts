import { ViewError, type ActivePresenceAudience, type TypingSignal } from '@chat/views';
import type { TypingThrottle } from '../limits/typing-throttle';

/**
 * Typing goes, at most once per user and conversation per throttle interval (across all of
 * the user's sockets), to the members who may see the typist's presence (PresenceAudience):
 * typing says "online" as much as presence does.
 */
export class TypingRelay {
  constructor(
    private readonly audience: ActivePresenceAudience,
    private readonly throttle: TypingThrottle,
    private readonly publish: (signal: TypingSignal) => Promise<void>,
  ) {}

  async relay(conversationId: string, userId: string, connectionId: string): Promise<void> {
    if (!(await this.throttle.admit(userId, conversationId))) return;
    const recipients = await (await this.audience.get()).typingAudience(userId, conversationId);
    if (recipients === null) {
      throw new ViewError('not-a-member', `you are not a member of ${conversationId}`);
    }
    await this.publish({ conversationId, userId, connectionId, recipients });
  }
}
