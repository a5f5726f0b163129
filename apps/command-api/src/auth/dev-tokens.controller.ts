import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { mintToken } from '@chat/auth';
import type { Config } from '@chat/config';
import { ApiCommand } from '../http/openapi';
import { validate } from '../http/validate';
import { devTokenBody } from '../conversations/request-schemas';
import { z } from 'zod';
import { Public } from './auth.guard';

export const CONFIG = Symbol('CONFIG');

/** Local token minting. Only registered when config.auth.devTokens (never in production). */
@ApiTags('development')
@Controller('v1/dev/tokens')
export class DevTokensController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Public()
  @Post()
  @ApiCommand({
    summary: 'Mint a token for a user (local development only; absent in production)',
    body: devTokenBody,
    response: z.object({ token: z.string(), expiresAt: z.string() }),
    status: 201,
    refusals: [],
  })
  mint(@Body() body: unknown) {
    const { userId, deviceId, ttlSeconds } = validate(devTokenBody, body);
    return mintToken(this.config.auth, { userId, deviceId }, ttlSeconds);
  }
}
