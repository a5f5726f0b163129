import { loadStackConfig, loadStackConfigWith, type StackConfig } from './stack-config';
import { testStackEnv } from './test-stack';

/** Every port a stack binds: its services' and its apps'. */
const portsOf = (config: StackConfig) => [
  ...Object.values(config.stack.ports),
  ...Object.values(config.ports),
];

describe('the test stack', () => {
  it('should live inside the stack it belongs to, so stopping a throwaway stack spares the real one', () => {
    expect(testStackEnv('/tmp/stack-x').CHAT_STACK_DIR).toBe('/tmp/stack-x/test');
    expect(testStackEnv('.stack').CHAT_STACK_DIR).toBe('.stack/test');
  });

  it('should share no port with the development stack', () => {
    const development = loadStackConfig({ CHAT_ENVIRONMENT: 'local' });
    const test = loadStackConfigWith(testStackEnv(development.stack.dir));
    const taken = new Set(portsOf(development));
    expect(portsOf(test).filter((port) => taken.has(port))).toEqual([]);
  });
});
