import type { Config } from '@chat/config';
import { CLOSE_CODES } from '@chat/protocol';
import { Budgets } from '../limits/budgets';
import { SocketLimiter } from '../limits/socket-limiter';
import type { LiveHub } from '../live/live-hub';
import type { PresenceReporter } from '../presence/presence-reporter';
import type { Session } from './session';
import type { SessionDeps } from './session-deps';
import { SessionRegistry } from './session-registry';

/** A registry over a hub and a presence reporter that record what they are told. */
function registryWith(maxSocketsPerUser: number) {
  const registered = new Set<Session>();
  const reports: string[] = [];
  const hub = {
    add: (session: Session) => registered.add(session),
    remove: (session: Session) => registered.delete(session),
    all: () => [...registered],
  } as unknown as LiveHub;
  const presence = {
    report: (type: string, userId: string) => reports.push(`${type} ${userId}`),
  } as unknown as PresenceReporter;
  const config = { gateway: { pingIntervalMs: 60_000 } } as Config;
  const bucket = { ratePerSecond: 1, burst: 1 };
  const registry = new SessionRegistry(
    config,
    { queries: {}, logger: {} } as unknown as SessionDeps,
    hub,
    new SocketLimiter(maxSocketsPerUser),
    new Budgets({ read: bucket, typing: bucket, connect: bucket }),
    presence,
  );
  return { registry, registered, reports };
}

function transport() {
  const closes: Array<[number, string]> = [];
  const sent: string[] = [];
  return {
    closes,
    sent,
    send: (text: string | Buffer) => sent.push(text.toString()) > 0,
    close: (code: number, reason: string) => closes.push([code, reason]),
  };
}

const alice = { userId: 'alice', deviceId: 'phone', expiresAt: Date.now() + 60_000 };

describe('the session registry', () => {
  it('registers a session and reports it connected, then disconnected when it ends', () => {
    const { registry, registered, reports } = registryWith(2);
    const session = registry.open(alice, transport());
    expect(registered.has(session)).toBe(true);
    registry.close(session);
    expect(registered.size).toBe(0);
    expect(reports).toEqual(['Connected alice', 'Disconnected alice']);
  });

  it('closes a session past the user socket limit with 4011, never registered nor reported', () => {
    const { registry, registered, reports } = registryWith(1);
    registry.open(alice, transport());
    const over = transport();
    const refused = registry.open(alice, over);
    expect(over.closes).toEqual([[CLOSE_CODES.tooManySockets, 'too-many-sockets']]);
    registry.close(refused);
    expect(registered.size).toBe(1);
    expect(reports).toEqual(['Connected alice']);
  });

  it('closes a session with 4001 when its token expires', () => {
    const { registry } = registryWith(1);
    const peer = transport();
    registry.open({ ...alice, expiresAt: Date.now() - 1 }, peer);
    expect(peer.closes).toEqual([[CLOSE_CODES.unauthorized, 'token-expired']]);
  });

  it('reports at most one heartbeat per ping interval, and none for a closed session', () => {
    const { registry, reports } = registryWith(1);
    const session = registry.open(alice, transport());
    registry.heartbeat(session);
    registry.close(session);
    registry.heartbeat(session);
    expect(reports).toEqual(['Connected alice', 'Disconnected alice']);
  });

  it('refuses a connection past the user connection budget', () => {
    const { registry } = registryWith(5);
    expect(registry.connectRefusal(alice)).toBeNull();
    expect(registry.connectRefusal(alice)).toMatchObject({ code: 'rate-limited' });
  });

  it('drains every session: reconnect, then 1012', () => {
    const { registry } = registryWith(2);
    const peer = transport();
    registry.open(alice, peer);
    registry.drainAll();
    expect(peer.sent.map((text) => JSON.parse(text).type)).toEqual(['reconnect']);
    expect(peer.closes).toEqual([[CLOSE_CODES.serviceRestart, 'server restarting: reconnect']]);
  });
});
