import type { WebSocket } from 'ws';
import type { Transport } from './transport';
import { writesPerTurn, type Corkable } from './writes-per-turn';

/** A session's frames over a WebSocket: text frames, a turn's frames in one write. */
export function wsTransport(ws: WebSocket, maxBufferedBytes: number): Transport {
  // ws keeps its socket to itself; holding writes for a turn needs the net.Socket under it.
  const holdWrites = writesPerTurn((ws as unknown as { _socket: Corkable })._socket);
  return {
    send: (text) => {
      if (ws.readyState !== ws.OPEN) return true;
      if (ws.bufferedAmount > maxBufferedBytes) return false;
      holdWrites();
      ws.send(text, { binary: false });
      return true;
    },
    close: (code, reason) => {
      ws.close(code, reason);
      // A peer that does not answer the close handshake is cut off.
      setTimeout(() => ws.terminate(), 2000).unref();
    },
  };
}
