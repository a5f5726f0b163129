import type { Response } from 'express';
import type { Transport } from './transport';

/**
 * A session's frames as Server-Sent Events: each frame one `data:` event, a close an event
 * named `close` with its code and reason, then the end of the response.
 */
export function sseTransport(response: Response, maxBufferedBytes: number): Transport {
  return {
    send: (text) => {
      if (response.writableLength > maxBufferedBytes) return false;
      response.write(`data: ${text}\n\n`);
      return true;
    },
    close: (code, reason) => {
      response.write(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
      response.end();
    },
  };
}
