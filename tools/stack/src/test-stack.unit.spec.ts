import { loadConfig, loadConfigWith } from '@chat/config';
import { testStackEnv } from './test-stack';

describe('the test stack', () => {
  it('should live inside the stack it belongs to, so stopping a throwaway stack spares the real one', () => {
    expect(testStackEnv('/tmp/stack-x').CHAT_STACK_DIR).toBe('/tmp/stack-x/test');
    expect(testStackEnv('.stack').CHAT_STACK_DIR).toBe('.stack/test');
  });

  it('should share no port with the development stack', () => {
    const development = loadConfig({ CHAT_ENVIRONMENT: 'local' });
    const test = loadConfigWith(testStackEnv(development.stackDir));
    const taken = new Set(Object.values(development.ports));
    expect(Object.values(test.ports).filter((port) => taken.has(port))).toEqual([]);
  });
});
