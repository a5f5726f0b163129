import type { PresenceState } from '@chat/protocol';

/**
 * What one session last showed its client of each watched user's presence: a refresh that
 * finds nothing changed sends nothing.
 */
export class PresenceShown {
  private readonly shown = new Map<string, string>();

  /** Records the state; false when it is what the client was last shown. */
  changed(state: PresenceState): boolean {
    const shown = JSON.stringify(state);
    if (this.shown.get(state.userId) === shown) return false;
    this.shown.set(state.userId, shown);
    return true;
  }

  forget(userIds: Iterable<string>): void {
    for (const userId of userIds) this.shown.delete(userId);
  }
}
