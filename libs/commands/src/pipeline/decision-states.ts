import { Inject, Injectable } from '@nestjs/common';
import type { DecisionQuery, DecisionState } from '@chat/domain';
import { batchWhileBusy } from '@chat/storage';
import { activeInboxStore } from '@chat/views';
import { refuse } from '../problem';
import { CommandConnections } from './command-connections';

/**
 * The decision states of commands, read from the membership view the projectors keep. A read
 * takes with it those of the commands that arrived while the previous read was running: one
 * round trip for all of them under load, none delayed when idle.
 */
@Injectable()
export class DecisionStates {
  private readonly read: (query: DecisionQuery) => Promise<DecisionState>;

  constructor(@Inject(CommandConnections) { pool }: CommandConnections) {
    const views = activeInboxStore(pool);
    this.read = batchWhileBusy(async (queries) => (await views.get()).decisionStates(queries));
  }

  async of(query: DecisionQuery): Promise<DecisionState> {
    try {
      return await this.read(query);
    } catch (error) {
      throw refuse(
        'views-unavailable',
        `the membership view cannot be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
