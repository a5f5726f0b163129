import { Controller, Get, HttpStatus, Inject, OnApplicationShutdown, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { DependencyCheck } from './dependency-checks';
import { DEPENDENCY_CHECKS } from './dependency-checks.provider';

/**
 * Liveness says the process runs; readiness says every dependency answers right now, so a
 * load balancer only sends traffic to an instance that can serve it.
 */
@Controller('health')
export class HealthController implements OnApplicationShutdown {
  private draining = false;

  constructor(@Inject(DEPENDENCY_CHECKS) private readonly checks: DependencyCheck[]) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() response: Response) {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, (error as Error).message] as const;
        }
      }),
    );
    const dependencies = Object.fromEntries(results);
    const ok = !this.draining && results.every(([, result]) => result === 'ok');
    response
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: ok ? 'ok' : this.draining ? 'draining' : 'unavailable', dependencies });
  }

  onApplicationShutdown() {
    this.draining = true;
  }
}
