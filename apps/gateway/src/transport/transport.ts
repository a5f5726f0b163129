/** Where a session's frames go: a WebSocket, or a Server-Sent Events response. */
export interface Transport {
  /**
   * Queues a text frame (a Buffer holds it as UTF-8, encoded once for many peers); false when
   * the peer has more queued than the bound allows.
   */
  send(text: string | Buffer): boolean;
  close(code: number, reason: string): void;
}
