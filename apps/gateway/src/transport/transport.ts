/** Where a session's frames go: a WebSocket, or a Server-Sent Events response. */
export interface Transport {
  /** Queues a text frame; false when the peer has more queued than the bound allows. */
  send(text: string): boolean;
  close(code: number, reason: string): void;
}
