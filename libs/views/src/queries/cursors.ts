import { ID_PATTERN } from '@chat/domain';
import { ViewError } from './view-error';

/**
 * The keyset cursors of paged reads. A cursor is decoded in full here, to values the queries
 * bind as they are: one that is not a cursor (a rank no float4 holds, a time past what a
 * timestamp holds) is a client's mistake, refused before any query, never a database error.
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

/** An id as every id is (ID_PATTERN), without its anchors. */
const ID = ID_PATTERN.source.replace(/^\^|\$$/g, '');

/**
 * Microseconds since 1970 of the last entry's activity (16 digits reach the year 2286), `~`,
 * its conversation id. Every value the pattern admits is a cursor: the OpenAPI document can
 * say exactly what is accepted.
 */
export const INBOX_CURSOR_PATTERN = new RegExp(`^(0|[1-9][0-9]{0,15})~(${ID})$`);

/**
 * The last hit's rank as Postgres prints a float4 (a decimal below 10^9, or one digit and an
 * exponent within the range a normal float4 holds), `~`, its seq, `~`, its conversation id.
 */
export const SEARCH_CURSOR_PATTERN = new RegExp(
  '^((?:0|[1-9][0-9]{0,8})(?:\\.[0-9]{1,9})?|[1-9](?:\\.[0-9]{1,8})?e(?:-(?:0[1-9]|[12][0-9]|3[0-7])|\\+(?:[0-2][0-9]|3[0-7])))' +
    `~(0|[1-9][0-9]{0,9})~(${ID})$`,
);

/** `activity` as Postgres prints it, `YYYY-MM-DDTHH:MM:SS.UUUUUU` in UTC. */
export function encodeInboxCursor(activity: string, conversationId: string): string {
  const [seconds, micros = '0'] = activity.split('.');
  const at = BigInt(Date.parse(`${seconds}Z`)) * 1000n + BigInt(micros.padEnd(6, '0'));
  return `${at}~${conversationId}`;
}

export function encodeSearchCursor(rank: string, conversationId: string, seq: number): string {
  return `${rank}~${seq}~${conversationId}`;
}

/** The inbox cursor's values, or undefined when it is not one. */
export function parseInboxCursor(cursor: string): InboxCursor | undefined {
  const match = INBOX_CURSOR_PATTERN.exec(cursor);
  if (!match) return undefined;
  const micros = BigInt(match[1]!);
  const date = new Date(Number(micros / 1000n)).toISOString().slice(0, 19);
  const fraction = String(micros % 1000000n).padStart(6, '0');
  return { activity: `${date}.${fraction}`, conversationId: match[2]! };
}

/** The search cursor's values, or undefined when it is not one. */
export function parseSearchCursor(cursor: string): SearchCursor | undefined {
  const match = SEARCH_CURSOR_PATTERN.exec(cursor);
  if (!match) return undefined;
  return { rank: match[1]!, seq: Number(match[2]!), conversationId: match[3]! };
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
