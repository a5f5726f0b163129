import { ID_PATTERN, MAX_SEQ } from '@chat/domain';
import { ViewError } from './view-error';

/**
 * The opaque keyset cursors of paged reads. A cursor is decoded in full here, to values the
 * queries bind as they are: one that only looks like a cursor (a 30 February, a rank no
 * float4 holds) is a client's mistake, refused before any query, never a database error.
 */

export interface InboxCursor {
  /** The last entry's activity time, UTC, to the microsecond, as Postgres prints it. */
  activity: string;
  conversationId: string;
}

export interface SearchCursor {
  /** The last hit's rank as float4 text, exact. */
  rank: string;
  conversationId: string;
  seq: number;
}

const BAD_CURSOR = 'the cursor is not one this server gave out';

export function encodeInboxCursor(activity: string, conversationId: string): string {
  return encode([activity, conversationId]);
}

export function encodeSearchCursor(rank: string, conversationId: string, seq: number): string {
  return encode([rank, conversationId, seq]);
}

/** The inbox cursor's values, or undefined when it is not one. */
export function parseInboxCursor(cursor: string): InboxCursor | undefined {
  const [activity, conversationId, ...rest] = decode(cursor) ?? [];
  if (rest.length > 0 || !isTimestamp(activity) || !isId(conversationId)) return undefined;
  return { activity, conversationId };
}

/** The search cursor's values, or undefined when it is not one. */
export function parseSearchCursor(cursor: string): SearchCursor | undefined {
  const [rank, conversationId, seq, ...rest] = decode(cursor) ?? [];
  if (rest.length > 0 || !isRank(rank) || !isId(conversationId) || !isSeq(seq)) return undefined;
  return { rank, conversationId, seq };
}

export function decodeInboxCursor(cursor: string): InboxCursor {
  const parsed = parseInboxCursor(cursor);
  if (!parsed) throw new ViewError('bad-cursor', BAD_CURSOR);
  return parsed;
}

export function decodeSearchCursor(cursor: string): SearchCursor {
  const parsed = parseSearchCursor(cursor);
  if (!parsed) throw new ViewError('bad-cursor', BAD_CURSOR);
  return parsed;
}

const encode = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

function decode(cursor: string): unknown[] | undefined {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(values) ? values : undefined;
  } catch {
    return undefined;
  }
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && ID_PATTERN.test(value);

const isSeq = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_SEQ;

/** The smallest and largest magnitudes a normal float4 holds; Postgres refuses the rest. */
const FLOAT4_MIN = 1.17549435e-38;
const FLOAT4_MAX = 3.4028234663852886e38;

function isRank(value: unknown): value is string {
  if (typeof value !== 'string' || !/^-?\d{1,40}(\.\d{1,40})?(e[-+]?\d{1,3})?$/.test(value)) {
    return false;
  }
  const magnitude = Math.abs(Number(value));
  return magnitude === 0 || (magnitude >= FLOAT4_MIN && magnitude <= FLOAT4_MAX);
}

/** A real UTC date and time (year 1 to 9999), as `YYYY-MM-DDTHH:MM:SS.UUUUUU`. */
function isTimestamp(value: unknown): value is string {
  const match =
    typeof value === 'string' && /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}$/.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  return (
    year! >= 1 &&
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysIn(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59
  );
}

function daysIn(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}
