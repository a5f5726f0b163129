import { mintToken } from '@chat/auth';
import { waitFor } from '@chat/events/testing';
import { loadStackConfig } from '../../tools/stack/src/stack-config';
import { stackPaths } from '../../tools/stack/src/stack-paths';
import {
  ownedServices,
  receiver,
  restartUnderLoad,
  startAppProcess,
  steadySends,
  watchReadiness,
  wholeHistory,
  type AppProcess,
  type ServiceName,
} from './restart-under-load';
import { randomUUID } from 'node:crypto';

/**
 * The body of a file that restarts services under load: the command API, a gateway with a
 * receiving socket and the projectors run as child processes while sends go on at a steady
 * rate, and each service of `restarted` is restarted in turn through the stack's own code.
 * None may exit; each app says it is unready while a service it needs is down and ready
 * again after; every send answered 2xx ends in the views and on the socket.
 */
export function restartsUnderLoad(restarted: ServiceName[]): void {
  const SENDS_PER_SECOND = 20;

  const config = loadStackConfig();
  const paths = stackPaths(config);
  const run = randomUUID().slice(0, 8);
  const sender = `restart-sender-${run}`;
  const reader = `restart-reader-${run}`;
  // A budget well above the load: only the restarts may refuse a send.
  const appEnv = {
    CHAT_DEV_TOKENS: 'on',
    CHAT_RATE_LIMIT_PER_SECOND: '10000',
    CHAT_RATE_LIMIT_BURST: '10000',
  };
  const everyService: ServiceName[] = ['kafka', 'registry', 'postgres', 'cassandra', 'redis'];

  let apps: AppProcess[] = [];
  let readiness: ReturnType<typeof watchReadiness> | undefined;
  let sends: ReturnType<typeof steadySends> | undefined;
  let socket: Awaited<ReturnType<typeof receiver>> | undefined;
  let conversationId: string;
  let senderToken: string;
  let readerToken: string;
  const apiUrl = () => `http://127.0.0.1:${apps[0]!.port}`;

  beforeAll(async () => {
    // Fails here, before anything is started, on a stack this test does not own.
    ownedServices(config, paths, restarted);
    apps = await Promise.all([
      startAppProcess('command-api', [...everyService, 's3'], appEnv),
      startAppProcess('gateway', [...everyService, 's3'], appEnv),
      startAppProcess('projectors', everyService, appEnv),
    ]);
    await waitFor(
      'every app ready',
      async () => {
        apps.forEach((app) => app.assertAlive());
        const answers = await Promise.all(
          apps.map((app) =>
            fetch(`http://127.0.0.1:${app.port}/health/ready`).then(
              (r) => r.status,
              () => 0,
            ),
          ),
        );
        return answers.every((status) => status === 200) ? true : undefined;
      },
      { timeoutMs: 120000, intervalMs: 500 },
    );
    readiness = watchReadiness(apps);
    senderToken = (await mintToken(config.auth, { userId: sender, deviceId: 'laptop' })).token;
    readerToken = (await mintToken(config.auth, { userId: reader, deviceId: 'phone' })).token;
    const created = await fetch(`${apiUrl()}/v1/conversations/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${senderToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Restarts', members: [reader] }),
    });
    expect(created.status).toBe(202);
    conversationId = ((await created.json()) as { conversationId: string }).conversationId;
    socket = await receiver(config, apps[1]!.port, reader);
    sends = steadySends({
      apiUrl: apiUrl(),
      token: senderToken,
      conversationId,
      perSecond: SENDS_PER_SECOND,
    });
  }, 180000);

  afterAll(async () => {
    await sends?.stop();
    socket?.close();
    await readiness?.stop();
    await Promise.all(apps.map((app) => app.stop()));
  });

  describe('every app under a steady load of sends', () => {
    it.each(restarted)(
      'should stay up through a restart of %s, unready meanwhile and ready after',
      async (name) => {
        const [service] = ownedServices(config, paths, [name]);
        const outcome = await restartUnderLoad({
          service: service!,
          config,
          paths,
          apps,
          readiness: readiness!,
          sends: sends!,
          recoveryMs: 90000,
          downMs: 1000,
        });
        console.log(
          `${name}: down ${outcome.downMs} ms, every app ready ${outcome.readyAgainMs} ms after it was back`,
        );
        for (const { app, saidSo } of outcome.unready) {
          expect({ app, unreadyNamingIt: saidSo }).toEqual({ app, unreadyNamingIt: true });
        }
      },
      150000,
    );

    it('should have every send answered 2xx in the timeline, the inbox and on the socket', async () => {
      await sends!.stop();
      const accepted = sends!.accepted();
      const refused = sends!.results.filter((r) => r.status < 200 || r.status >= 300);
      console.log(
        `${sends!.results.length} sends (${sends!.rate().toFixed(1)}/s): ${accepted.length} accepted, refused: ${JSON.stringify(
          countBy(refused.map((r) => `${r.status} ${r.code ?? ''}`)),
        )}`,
      );
      // A send during an outage is refused as retriable (503), never with a bare 500.
      expect(refused.filter((r) => r.status !== 503)).toEqual([]);
      const ids = accepted.map((r) => r.messageId!);
      expect(ids.length).toBeGreaterThan(restarted.length * 10);

      await waitFor(
        'every accepted send on the socket',
        () => (ids.every((id) => socket!.messageIds.has(id)) ? true : undefined),
        { timeoutMs: 60000, intervalMs: 200 },
      );
      const history = await waitFor(
        'every accepted send in the timeline',
        async () => {
          const items = await wholeHistory(apiUrl(), readerToken, conversationId);
          const inTimeline = new Set(items.map((item) => item.messageId));
          return ids.every((id) => inTimeline.has(id)) ? items : undefined;
        },
        { timeoutMs: 60000, intervalMs: 500 },
      );
      const newest = Math.max(...history.map((item) => item.seq));
      await waitFor(
        'the inbox at the newest message, all of it unread',
        async () => {
          const response = await fetch(`${apiUrl()}/v1/inbox`, {
            headers: { authorization: `Bearer ${readerToken}` },
          });
          const { items } = (await response.json()) as {
            items: Array<{ conversationId: string; lastSeq: number; unread: number }>;
          };
          const entry = items.find((item) => item.conversationId === conversationId);
          return entry?.lastSeq === newest ? entry : undefined;
        },
        { timeoutMs: 30000, intervalMs: 500 },
      );
      apps.forEach((app) => app.assertAlive());
    }, 150000);
  });
}

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
