import { EventEmitter } from 'node:events';

/**
 * kafkajs 2.2.4's request queue (one per broker connection) re-armed a 1 ms timer forever once
 * its first response arrived, with nothing to send: a thousand wake-ups a second per
 * connection in every process that talks to Kafka (tulios/kafkajs#1556). The fix is applied
 * to the installed package from patches/kafkajs+2.2.4.patch on install.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
};

const quiet = { debug() {}, info() {}, warn() {}, error() {}, namespace: () => quiet };

const queues: Array<InstanceType<typeof RequestQueue>> = [];
afterEach(() => queues.splice(0).forEach((queue) => queue.destroy()));

function queue() {
  const created = new RequestQueue({
    instrumentationEmitter: new EventEmitter(),
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: quiet,
  });
  queues.push(created);
  return created;
}

/** A request whose send is recorded; it expects a response under its correlation id. */
function request(correlationId: number, sent: number[]) {
  return {
    entry: {
      correlationId,
      apiKey: 1,
      apiName: 'Fetch',
      apiVersion: 11,
      resolve: () => undefined,
      reject: () => undefined,
    },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  };
}

it('arms no timer once a response leaves nothing pending', () => {
  const requests = queue();
  const sent: number[] = [];
  requests.push(request(1, sent));
  requests.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
  expect(sent).toEqual([1]);
  expect(requests.throttleCheckTimeoutId).toBeNull();
});

it('still sends a request held back by a throttle once the throttle ends', async () => {
  const requests = queue();
  const sent: number[] = [];
  requests.maybeThrottle(30);
  requests.push(request(2, sent));
  expect(sent).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect(sent).toEqual([2]);
});
