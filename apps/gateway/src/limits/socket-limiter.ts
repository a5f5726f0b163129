/**
 * Sockets per user on this gateway process: a socket is admitted while its user holds fewer
 * than the limit. A refused socket holds nothing, so releasing it is a no-op that says so.
 */
export class SocketLimiter {
  private readonly held = new Map<string, Set<string>>();

  constructor(private readonly maxPerUser: number) {}

  /** Admits the socket, or refuses it when the user already holds the limit. */
  acquire(userId: string, socketId: string): boolean {
    const sockets = this.held.get(userId) ?? new Set<string>();
    if (sockets.has(socketId)) return true;
    if (sockets.size >= this.maxPerUser) return false;
    sockets.add(socketId);
    this.held.set(userId, sockets);
    return true;
  }

  /** Frees the socket's place; false when it held none (it was refused). */
  release(userId: string, socketId: string): boolean {
    const sockets = this.held.get(userId);
    if (!sockets?.delete(socketId)) return false;
    if (sockets.size === 0) this.held.delete(userId);
    return true;
  }

  countOf(userId: string): number {
    return this.held.get(userId)?.size ?? 0;
  }
}
