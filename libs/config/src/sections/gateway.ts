import { atLeast, positive, section, variable } from '../env-schema';

export const gatewaySettings = section({
  /** WebSocket heartbeats: a ping this often, and a close when no pong came for this long. */
  pingIntervalMs: variable('GATEWAY_PING_INTERVAL_MS', atLeast(10).default(30000)),
  pongTimeoutMs: variable('GATEWAY_PONG_TIMEOUT_MS', atLeast(10).default(60000)),
  /** Bytes a socket may have queued before it is closed as a slow consumer. */
  maxBufferedBytes: variable('GATEWAY_MAX_BUFFERED_BYTES', atLeast(1024).default(1024 * 1024)),
  maxFrameBytes: variable('GATEWAY_MAX_FRAME_BYTES', atLeast(1024).default(64 * 1024)),
  /** On SIGTERM, clients are told to reconnect and closed within this deadline. */
  drainDeadlineMs: variable('GATEWAY_DRAIN_DEADLINE_MS', atLeast(0).default(10000)),
  /** How often presence subscriptions are refreshed (catches expiries, which have no event). */
  presenceRefreshMs: variable('GATEWAY_PRESENCE_REFRESH_MS', atLeast(10).default(5000)),
  /** Open sockets (WebSocket and event streams) one user may hold on one gateway process. */
  maxSocketsPerUser: variable('GATEWAY_MAX_SOCKETS_PER_USER', atLeast(1).default(20)),
  /** Reads per user (history, sync, inbox, presence frames): steady rate and burst above it. */
  readRatePerSecond: variable('GATEWAY_READ_RATE_PER_SECOND', positive.default(20)),
  readRateBurst: variable('GATEWAY_READ_RATE_BURST', atLeast(1).default(60)),
  /** One typing signal per user and conversation per this long, across all their sockets. */
  typingThrottleMs: variable('GATEWAY_TYPING_THROTTLE_MS', atLeast(0).default(2000)),
  /** Typing frames per user, whatever the conversation: steady rate and burst above it. */
  typingRatePerSecond: variable('GATEWAY_TYPING_RATE_PER_SECOND', positive.default(5)),
  typingRateBurst: variable('GATEWAY_TYPING_RATE_BURST', atLeast(1).default(10)),
  /** Connections (WebSocket upgrades, event streams) per user: steady rate and burst. */
  connectRatePerSecond: variable('GATEWAY_CONNECT_RATE_PER_SECOND', positive.default(1)),
  connectRateBurst: variable('GATEWAY_CONNECT_RATE_BURST', atLeast(1).default(20)),
});
