import { atLeast, positive, section, variable } from '../env-schema';

/** What one request, one user or one process may ask of the command side. */
export const limitSettings = section({
  maxBodyBytes: variable('CHAT_MAX_BODY_BYTES', atLeast(1024).default(65536)),
  maxMessageLength: variable('CHAT_MAX_MESSAGE_LENGTH', atLeast(1).default(4096)),
  maxGroupMembers: variable('CHAT_MAX_GROUP_MEMBERS', atLeast(2).default(1000)),
  /** Per-user token bucket: steady commands per second, and the burst allowed above it. */
  ratePerSecond: variable('CHAT_RATE_LIMIT_PER_SECOND', positive.default(20)),
  rateBurst: variable('CHAT_RATE_LIMIT_BURST', atLeast(1).default(40)),
  /**
   * Sends one process holds taken but unanswered; past it a send is refused at once (503
   * `overloaded`), not queued until the client times out.
   */
  maxPendingSends: variable('CHAT_MAX_PENDING_SENDS', atLeast(1).default(2000)),
  /**
   * One user's share of those: past it their send is refused (429) and the others' are not.
   * Above what a user at their rate limit holds while every send waits out the append
   * deadline (40 + 20/s x 5 s), so only a process-wide budget far above the default reaches it.
   */
  maxPendingSendsPerUser: variable('CHAT_MAX_PENDING_SENDS_PER_USER', atLeast(1).default(200)),
  /** Long polls (GET .../sync?wait=) one user may hold open on one command-api process. */
  maxLongPollsPerUser: variable('CHAT_MAX_LONG_POLLS_PER_USER', atLeast(1).default(4)),
});
