import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import { ChatQueries } from '@chat/views';
import { Actor } from '../auth/auth.guard';
import { CONFIG } from '@chat/platform';
import { conversationParams, messageParams } from '@chat/commands';
import { ApiRead, PathParams, QueryParams } from '../http/openapi';
import { LongPolls } from './long-poll';
import {
  historyQuery,
  historyResponse,
  inboxQuery,
  inboxResponse,
  membersResponse,
  receiptResponse,
  searchQuery,
  searchResponse,
  syncQuery,
  syncResponse,
} from './read-schemas';

/**
 * Reads over HTTP for clients without a WebSocket: the same queries, authorization and
 * per-user read budget as the gateway's read frames (the rate-limit guard spends GETs from it).
 */
@ApiTags('reads')
@Controller('v1')
export class ReadsController {
  constructor(
    @Inject(ChatQueries) private readonly queries: ChatQueries,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LongPolls) private readonly longPolls: LongPolls,
  ) {}

  @Get('inbox')
  @ApiRead({
    summary: 'The inbox: conversations by activity, with unread counts',
    response: inboxResponse,
    refusals: [],
  })
  inbox(@Actor() actor: Principal, @QueryParams(inboxQuery) query: z.infer<typeof inboxQuery>) {
    return this.queries.inboxOf(actor.userId, query);
  }

  @Get('conversations/:conversationId/members')
  @ApiRead({ summary: 'The members of a conversation', response: membersResponse, refusals: [403] })
  async members(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
  ) {
    return { members: await this.queries.members(actor.userId, conversationId) };
  }

  @Get('conversations/:conversationId/history')
  @ApiRead({
    summary: 'A page of history, newest first, from where the reader joined',
    response: historyResponse,
    refusals: [403],
  })
  history(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @QueryParams(historyQuery) query: z.infer<typeof historyQuery>,
  ) {
    return this.queries.history(actor.userId, conversationId, query);
  }

  @Get('conversations/:conversationId/sync')
  @ApiRead({
    summary: 'The changes after a cs cursor (as the sync frame); with wait, a long poll',
    response: syncResponse,
    refusals: [403],
  })
  sync(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @QueryParams(syncQuery) { afterCs, limit, wait }: z.infer<typeof syncQuery>,
  ) {
    const read = () => this.queries.changesAfter(actor.userId, conversationId, afterCs, { limit });
    const waitMs = Math.min((wait ?? 0) * 1000, this.config.syncMaxWaitMs);
    return this.longPolls.poll(
      actor.userId,
      conversationId,
      read,
      (result) => result.changes.length > 0 || result.throughCs > afterCs,
      waitMs,
    );
  }

  @Get('conversations/:conversationId/messages/:messageId/receipt')
  @ApiRead({
    summary: 'Delivery and read state of one of your messages',
    response: receiptResponse,
    refusals: [403, 404],
  })
  receipt(
    @Actor() actor: Principal,
    @PathParams(messageParams) { conversationId, messageId }: z.infer<typeof messageParams>,
  ) {
    return this.queries.receipt(actor.userId, conversationId, messageId);
  }

  @Get('search')
  @ApiRead({
    summary: 'Search the messages you may read: ranked, highlighted, paged',
    response: searchResponse,
    refusals: [403],
  })
  search(
    @Actor() actor: Principal,
    @QueryParams(searchQuery) { q, ...options }: z.infer<typeof searchQuery>,
  ) {
    return this.queries.search(actor.userId, q, options);
  }
}
