import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ClientFrameType } from '@chat/protocol';

/** Where the flood goes, as whom, for how long. */
export interface FloodTarget {
  gatewayUrl: string;
  apiUrl: string;
  token: string;
  /** A conversation the flooding user is a member of (their sends there are valid). */
  conversationId: string;
  /** Floods while this holds, given what came back so far. */
  keepGoing: (report: FloodReport) => boolean;
}

/** What the flood got back: per frame type and per route, answers counted by code. */
export interface FloodReport {
  frames: Record<string, Record<string, number>>;
  http: Record<string, Record<string, number>>;
  connects: { ws: Record<string, number>; sse: Record<string, number> };
  /** How the flooding sockets were closed, per frame type, by close code. */
  closes: Record<string, Record<string, number>>;
}

const count = (table: Record<string, Record<string, number>>, key: string, code: string) => {
  const row = (table[key] ??= {});
  row[code] = (row[code] ?? 0) + 1;
};

/** Each frame type with valid fields: what a well-formed but abusive client sends. */
function framesOf(conversationId: string, n: number): Array<Record<string, unknown>> {
  const c = conversationId;
  const frames: Record<ClientFrameType, Record<string, unknown>> = {
    hello: { type: 'hello', v: PROTOCOL_VERSION, cursors: {} },
    send: { type: 'send', conversationId: c, clientMessageId: `flood-${n}`, body: 'spam' },
    ack: { type: 'ack', conversationId: c, upToSeq: 1 },
    read: { type: 'read', conversationId: c, upToSeq: 1 },
    // A new conversation each time: each one costs a Redis write and an audience query.
    typing: { type: 'typing', conversationId: `${c}-${n}` },
    'presence.subscribe': { type: 'presence.subscribe', userIds: ['nobody'] },
    'presence.unsubscribe': { type: 'presence.unsubscribe', userIds: ['nobody'] },
    'media.url': { type: 'media.url', conversationId: c, messageId: 'none' },
    history: { type: 'history', conversationId: c, limit: 200 },
    sync: { type: 'sync', conversationId: c, afterCs: 0, limit: 200 },
    inbox: { type: 'inbox' },
    search: { type: 'search', q: 'spam' },
  };
  return Object.values(frames).map((frame) => ({ ...frame, id: `${frame.type}:${n}` }));
}

/**
 * One user doing everything at full speed at once: a socket per frame type sending it in
 * bursts (3,000 sends pipelined at once), new WebSocket and event-stream connections in a loop, and every
 * kind of HTTP route (commands, reads, long polls) with many requests in flight.
 */
export async function flood(target: FloodTarget): Promise<FloodReport> {
  const report: FloodReport = { frames: {}, http: {}, connects: { ws: {}, sse: {} }, closes: {} };
  const going = () => target.keepGoing(report);
  const controller = new AbortController();
  await Promise.all([
    socketFlood(target, report, going),
    connectFlood(target, report, going, controller.signal),
    httpFlood(target, report, going, controller.signal),
  ]);
  controller.abort();
  return report;
}

/** A socket per frame type, each sending only that type as fast as it can, reopened when closed. */
async function socketFlood(target: FloodTarget, report: FloodReport, going: () => boolean) {
  const types = framesOf(target.conversationId, 0).map((frame) => frame.type as string);
  await Promise.all(types.map((type) => typeFlood(type, target, report, going)));
}

async function typeFlood(
  type: string,
  target: FloodTarget,
  report: FloodReport,
  going: () => boolean,
) {
  let n = 0;
  while (going()) {
    const ws = new WebSocket(`${target.gatewayUrl}?access_token=${target.token}`);
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('unexpected-response', (_request, response) => {
        count(report.connects, 'ws', String(response.statusCode));
        resolve(false);
      });
      ws.once('error', () => resolve(false));
    });
    if (!opened) {
      await sleep(100);
      continue;
    }
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string; code?: string };
      if (!frame.id || (frame.type !== 'result' && frame.type !== 'error')) return;
      count(report.frames, frame.id.split(':')[0]!, frame.code ?? 'ok');
    });
    const closed = new Promise<void>((resolve) =>
      ws.once('close', (code) => {
        count(report.closes, type, String(code));
        resolve();
      }),
    );
    ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} }));
    // Sends: 3,000 pipelined at once, more than the process holds unanswered for everyone.
    const burst = type === 'send' ? 3000 : 20;
    while (going() && ws.readyState === ws.OPEN) {
      for (let i = 0; i < burst; i++) {
        const frame = framesOf(target.conversationId, ++n).find((f) => f.type === type)!;
        ws.send(JSON.stringify(frame));
      }
      await sleep(10);
    }
    ws.close();
    await closed;
  }
}

async function connectFlood(
  target: FloodTarget,
  report: FloodReport,
  going: () => boolean,
  signal: AbortSignal,
) {
  const httpBase = target.gatewayUrl.replace('ws://', 'http://').replace('/v1/ws', '');
  // Eight at a time: past the user's budget of connections at once.
  await Promise.all(
    Array.from({ length: 8 }, () => connectLoop(target, report, going, signal, httpBase)),
  );
}

async function connectLoop(
  target: FloodTarget,
  report: FloodReport,
  going: () => boolean,
  signal: AbortSignal,
  httpBase: string,
) {
  while (going()) {
    const ws = new WebSocket(`${target.gatewayUrl}?access_token=${target.token}`);
    await new Promise<void>((resolve) => {
      ws.once('open', () => {
        count(report.connects, 'ws', '101');
        ws.terminate();
        resolve();
      });
      ws.once('unexpected-response', (_request, response) => {
        count(report.connects, 'ws', String(response.statusCode));
        resolve();
      });
      ws.once('error', () => resolve());
    });
    // Each stream is dropped as soon as it answers.
    const dropped = new AbortController();
    const stream = await fetch(`${httpBase}/v1/stream?access_token=${target.token}`, {
      signal: AbortSignal.any([signal, dropped.signal]),
    }).catch(() => null);
    if (stream) count(report.connects, 'sse', String(stream.status));
    dropped.abort();
    await sleep(5);
  }
}

async function httpFlood(
  target: FloodTarget,
  report: FloodReport,
  going: () => boolean,
  signal: AbortSignal,
) {
  const c = target.conversationId;
  let n = 0;
  const routes: Array<[string, () => [string, string, unknown?]]> = [
    [
      'POST message',
      () => [
        'POST',
        `/v1/conversations/${c}/messages`,
        { clientMessageId: `h-${++n}`, body: 'spam' },
      ],
    ],
    ['PUT reaction', () => ['PUT', `/v1/conversations/${c}/messages/none/reactions/x`]],
    ['POST read', () => ['POST', `/v1/conversations/${c}/read`, { upToSeq: 1 }]],
    ['GET inbox', () => ['GET', '/v1/inbox']],
    ['GET history', () => ['GET', `/v1/conversations/${c}/history?limit=200`]],
    ['GET members', () => ['GET', `/v1/conversations/${c}/members`]],
    ['GET search', () => ['GET', '/v1/search?q=spam']],
    ['GET long poll', () => ['GET', `/v1/conversations/${c}/sync?afterCs=1000000&wait=10`]],
  ];
  // Six requests in flight per route at all times, eight long polls: held ones slow no other.
  const worker = async ([name, request]: (typeof routes)[number]) => {
    while (going()) {
      const [method, path, body] = request();
      const response = await fetch(`${target.apiUrl}${path}`, {
        method,
        signal,
        headers: {
          authorization: `Bearer ${target.token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).catch(() => null);
      if (!response) continue;
      const problem = (await response.json().catch(() => ({}))) as { code?: string };
      count(report.http, name, `${response.status}${problem.code ? ` ${problem.code}` : ''}`);
    }
  };
  const longPolls = routes.filter(([name]) => name === 'GET long poll');
  const others = routes.filter(([name]) => name !== 'GET long poll');
  const workers = [...Array(6).fill(others).flat(), ...Array(8).fill(longPolls[0]!)];
  await Promise.all(workers.map(worker));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
