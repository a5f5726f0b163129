import { join } from 'node:path';
import type { Env } from '@chat/config';
import { loadStackConfigWith } from './stack-config';

/**
 * The stack `npm test` runs against: a folder (`test/` inside the stack's) and ports of its own
 * beside the stack `npm start` runs. A test then never shares a consumer group, a projection version, a table, a work queue
 * or a Redis channel with apps a developer left running, and a test that restarts a service
 * restarts the test stack's, not the one under those apps. It costs a second set of service
 * processes while both run (their memory is in docs/benchmarks.md); jars and Python tools are
 * copied from the local Maven and pip caches, not downloaded again.
 *
 * Ports sit 1,000 below the development stack's (and below the ephemeral range, which starts at
 * 32768), so the two never collide.
 */
const TEST_STACK_PORTS = {
  CHAT_KAFKA_PORT: '18092',
  CHAT_KAFKA_CONTROLLER_PORT: '18093',
  CHAT_REGISTRY_PORT: '17081',
  CHAT_REGISTRY_MANAGEMENT_PORT: '17082',
  CHAT_CASSANDRA_PORT: '18042',
  CHAT_CASSANDRA_STORAGE_PORT: '16000',
  CHAT_POSTGRES_PORT: '14432',
  CHAT_REDIS_PORT: '15379',
  CHAT_S3_PORT: '18900',
  COMMAND_API_PORT: '2000',
  GATEWAY_PORT: '2001',
  PROJECTORS_PORT: '2002',
} as const satisfies Env;

/** The test stack of the stack in `stackDir`. */
export function testStackEnv(stackDir: string): Env {
  return {
    ...TEST_STACK_PORTS,
    CHAT_STACK_DIR: join(stackDir, TEST_STACK_FOLDER),
    // A local stack: its apps and tests use the public development secrets.
    CHAT_ENVIRONMENT: 'local',
    // The push tests run their push service on loopback.
    CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS: 'on',
  };
}

const TEST_STACK_FOLDER = 'test';

/**
 * Points this process (and every process it starts, jest's workers included) at the test stack.
 * Addresses of existing servers (KAFKA_BROKERS, DATABASE_URL...) are kept: a run against
 * external services uses them as before.
 */
export function useTestStack(): void {
  Object.assign(
    process.env,
    testStackEnv(loadStackConfigWith({ CHAT_ENVIRONMENT: 'local' }).stack.dir),
  );
}
