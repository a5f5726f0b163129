import {
  CLOSE_CODES,
  errorFrame,
  refuse,
  type ClientFrame,
  type ErrorFrame,
  type Refusal,
} from '@chat/protocol';
import { WindowCounter } from '../limits/window-counter';
import { parseFrame } from '../frames/parse-frame';

/** Bad frames tolerated in ABUSE_WINDOW_MS before the connection is closed as abusive. */
const BAD_FRAME_LIMIT = 20;
/**
 * Frames refused by a budget tolerated in ABUSE_WINDOW_MS: a client that goes on sending past
 * `retryAfterMs` costs the process a parse and an answer per frame all the same, so past this
 * it is closed as abusive, and its reconnects are held to the connection budget.
 */
const REFUSED_FRAME_LIMIT = 200;
const ABUSE_WINDOW_MS = 10_000;

/** How a connection answers a frame it does not take: an `error` frame, or a close. */
export type Rebuff = { error: ErrorFrame } | { close: { code: number; reason: string } };

/**
 * What comes in on a connection: each text parsed into a frame, and count kept of the frames
 * that were not valid or were refused by a budget. A client past either limit gets a close
 * (4009) instead of one more error frame.
 */
export class FrameIntake {
  private readonly badFrames = new WindowCounter(BAD_FRAME_LIMIT, ABUSE_WINDOW_MS);
  private readonly refusedFrames = new WindowCounter(REFUSED_FRAME_LIMIT, ABUSE_WINDOW_MS);

  /** The frame, or how to answer a text that is not one. */
  read(raw: string): { frame: ClientFrame } | { rebuff: Rebuff } {
    const parsed = parseFrame(raw);
    if ('frame' in parsed) return parsed;
    const { id, code, message } = parsed.bad;
    return { rebuff: this.bad(id, refuse(code, message)) };
  }

  /** A frame the client should not have sent (a mistake, counted as a bad frame). */
  bad(id: string | undefined, refusal: Refusal): Rebuff {
    if (this.badFrames.hit(Date.now())) {
      return { close: { code: CLOSE_CODES.abusive, reason: 'too many bad frames' } };
    }
    return { error: errorFrame(refusal, id) };
  }

  /** A frame refused by a budget: an error with when to retry, or a close past the limit. */
  refused(id: string | undefined, refusal: Refusal): Rebuff {
    if (this.refusedFrames.hit(Date.now())) {
      return {
        close: { code: CLOSE_CODES.abusive, reason: 'too many frames past the rate limit' },
      };
    }
    return { error: errorFrame(refusal, id) };
  }
}
