import { Controller, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { mintToken } from '@chat/auth';
import type { Config } from '@chat/config';
import { CONFIG } from '@chat/platform';
import { ApiCommand, JsonBody } from '../http/openapi';
import { devTokenBody } from '@chat/commands';
import { z } from 'zod';
import { Public } from './auth.guard';

/** Local token minting. Only registered when config.auth.devTokens (never in production). */
@ApiTags('development')
@Controller('v1/dev/tokens')
export class DevTokensController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Public()
  @Post()
  @ApiCommand({
    summary: 'Mint a token for a user (local development only; absent in production)',
    response: z.object({ token: z.string(), expiresAt: z.string().datetime() }).strict(),
    statuses: [201],
    refusals: [],
    public: true,
  })
  mint(@JsonBody(devTokenBody) { userId, deviceId, ttlSeconds }: z.infer<typeof devTokenBody>) {
    return mintToken(this.config.auth, { userId, deviceId }, ttlSeconds);
  }
}
