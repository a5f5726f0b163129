import { randomUUID } from 'node:crypto';
import type { ChatClient } from '@chat/client';
import { loadConfig } from '@chat/config';
import { createLogger } from '@chat/observability';
import type { WireItem } from '@chat/protocol';
import {
  startProjections,
  type RunningProjections,
} from '../../apps/projectors/src/start-projections';
import { startCommandApi, type CommandApi } from '../harness/command-api';
import { startGateway, type TestGateway } from '../harness/gateway';

/**
 * The whole pipeline in one process: the projections readers use, the command API, and two
 * gateway instances sharing Redis. Clients are SDK clients over real sockets.
 */
export async function startPipeline() {
  const config = loadConfig();
  const projections: RunningProjections = await startProjections(config, {
    logger: createLogger('e2e-projectors', 'silent'),
  });
  // One budget per user across the command API and the gateways (they share the Redis bucket).
  const budget = { CHAT_RATE_LIMIT_PER_SECOND: '10000', CHAT_RATE_LIMIT_BURST: '10000' };
  const api: CommandApi = await startCommandApi(budget);
  const gateways: TestGateway[] = await Promise.all([
    startGateway({ ...budget, GATEWAY_PRESENCE_REFRESH_MS: '200' }),
    startGateway({ ...budget, GATEWAY_PRESENCE_REFRESH_MS: '200' }),
  ]);
  const run = randomUUID().slice(0, 8);
  return {
    api,
    gateways: gateways as [TestGateway, TestGateway],
    user: (name: string) => `${name}-${run}`,
    async close() {
      await Promise.all(gateways.map((g) => g.close()));
      await api.close();
      await projections.stop();
    },
  };
}

/** The pipeline for a test file: started before its tests, closed after them. */
export function usePipeline() {
  const holder: { pipeline?: Pipeline } = {};
  beforeAll(async () => {
    holder.pipeline = await startPipeline();
  }, 180000);
  afterAll(async () => {
    await holder.pipeline?.close();
  });
  return () => holder.pipeline!;
}

export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

/** Everything a client received, per conversation, for the checker. */
export function recorder(client: ChatClient) {
  const items = new Map<string, WireItem[]>();
  const record = ({ conversationId, item }: { conversationId: string; item: WireItem }) => {
    const list = items.get(conversationId) ?? [];
    list.push(item);
    items.set(conversationId, list);
  };
  client.on('message', record);
  client.on('membership', record);
  return {
    seqs: (conversationId: string) => (items.get(conversationId) ?? []).map((i) => i.seq),
    messages: (conversationId: string) =>
      (items.get(conversationId) ?? []).filter((i) => i.itemKind === 'MESSAGE'),
  };
}

/** The checker: seqs exactly from..to, each once, in order. */
export function gaplessFrom(seqs: number[], from: number, to: number): boolean {
  if (seqs.length !== to - from + 1) return false;
  return seqs.every((seq, i) => seq === from + i);
}
