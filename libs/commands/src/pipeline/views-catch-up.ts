import { Inject, Injectable } from '@nestjs/common';
import { TOPICS } from '@chat/events';
import { PROJECTIONS, waitForProjection } from '@chat/views';
import { CommandConnections } from './command-connections';

const CATCH_UP_DEADLINE_MS = 2000;

/**
 * Waits for the membership view to read the log as far as it was when asked: a refusal that
 * may only mean the view is behind (the user acts on a conversation created a moment ago) is
 * trusted only after this.
 */
@Injectable()
export class ViewsCatchUp {
  constructor(@Inject(CommandConnections) private readonly connections: CommandConnections) {}

  /** True once the view reached the log end; false past the deadline. */
  async caughtUp(): Promise<boolean> {
    const { pool, log } = this.connections;
    return waitForProjection(
      {
        pool,
        admin: await log.admin(),
        projection: PROJECTIONS.inbox,
        topic: TOPICS.conversations,
      },
      CATCH_UP_DEADLINE_MS,
    ).catch(() => false);
  }
}
