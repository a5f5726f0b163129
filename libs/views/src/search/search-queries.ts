import { ViewError } from '../queries/view-error';
import { decodeSearchCursor, encodeSearchCursor } from '../queries/cursors';
import type { SearchStore } from './search-store';

export const MAX_SEARCH_PAGE = 50;
export const MAX_QUERY_LENGTH = 256;

export interface SearchOptions {
  /** Only this conversation (the user must be a member). */
  conversationId?: string;
  /** Only messages of this sender. */
  senderId?: string;
  /** Sent at or after (ISO 8601). */
  from?: string;
  /** Sent before (ISO 8601). */
  to?: string;
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

/** A found message: a snippet of its text with the matched words as [start, end) ranges. */
export interface SearchHit {
  conversationId: string;
  messageId: string;
  seq: number;
  senderId: string;
  sentAt: string;
  rank: number;
  snippet: { text: string; highlights: Array<[number, number]> };
}

export interface SearchPage {
  items: SearchHit[];
  next: string | null;
}

/**
 * Full-text search over the messages a user may read: conversations they are a member of now,
 * from the seq they joined at (as history). Ranked by ts_rank, newest first among equals, paged
 * by a keyset cursor over (rank, conversation, seq), so a page never repeats or skips a hit
 * while the ranking of what is already indexed stays the same. Checks the request and who
 * asks; the index is the store's.
 */
export class SearchQueries {
  constructor(private readonly store: () => Promise<SearchStore>) {}

  async search(userId: string, query: string, options: SearchOptions = {}): Promise<SearchPage> {
    // Postgres text cannot hold U+0000: mapped as the index mapped bodies (storableText).
    const text = query.trim().replaceAll('\u0000', '\uFFFD');
    if (text.length === 0 || text.length > MAX_QUERY_LENGTH) {
      throw new ViewError('bad-query', `a query holds 1 to ${MAX_QUERY_LENGTH} characters`);
    }
    const limit = options.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SEARCH_PAGE) {
      throw new ViewError('bad-page', `a page holds 1 to ${MAX_SEARCH_PAGE} items`);
    }
    const from = instant(options.from, 'from');
    const to = instant(options.to, 'to');
    const after = options.after === undefined ? null : decodeSearchCursor(options.after);
    const store = await this.store();
    const { conversationId } = options;
    if (conversationId !== undefined && !(await store.isMember(userId, conversationId))) {
      throw new ViewError('not-a-member', `you are not a member of ${conversationId}`);
    }
    const found = await store.hits({
      userId,
      text,
      conversationId: conversationId ?? null,
      senderId: options.senderId ?? null,
      from,
      to,
      after,
      limit: limit + 1,
    });
    const last = found.length > limit ? found[limit - 1] : undefined;
    return {
      items: found.slice(0, limit).map(({ hit }) => hit),
      next: last ? encodeSearchCursor(last.rankText, last.hit.conversationId, last.hit.seq) : null,
    };
  }
}

function instant(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new ViewError('bad-query', `${name} is not a date`);
  return at;
}
