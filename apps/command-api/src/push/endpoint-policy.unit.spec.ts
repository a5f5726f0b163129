import { configDefaults } from '@chat/config';
import type { ProblemException } from '@chat/commands';
import { checkPushEndpoint } from './endpoint-policy';

const push = configDefaults().push;

/** The problem code a check refuses with, or undefined when it takes the endpoint. */
function refusal(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as ProblemException).problem.code;
  }
}

describe('push endpoint policy', () => {
  it('should take any http(s) endpoint outside production when no hosts are configured', () => {
    expect(refusal(() => checkPushEndpoint('http://127.0.0.1:9/push/1', push))).toBeUndefined();
    expect(
      refusal(() => checkPushEndpoint('https://fcm.googleapis.com/fcm/send/x', push)),
    ).toBeUndefined();
  });

  it('should refuse plain http where it is not allowed (production)', () => {
    const production = { ...push, allowHttpEndpoints: false };
    expect(refusal(() => checkPushEndpoint('http://push.example.com/1', production))).toBe(
      'push-endpoint-not-allowed',
    );
    expect(
      refusal(() => checkPushEndpoint('https://push.example.com/1', production)),
    ).toBeUndefined();
  });

  it('should take only the configured push services and their subdomains', () => {
    const listed = { ...push, endpointHosts: ['push.apple.com', 'fcm.googleapis.com'] };
    expect(
      refusal(() => checkPushEndpoint('https://web.push.apple.com/abc', listed)),
    ).toBeUndefined();
    expect(
      refusal(() => checkPushEndpoint('https://fcm.googleapis.com/fcm/send/x', listed)),
    ).toBeUndefined();
    for (const endpoint of [
      'https://evilpush.apple.com.attacker.test/x',
      'https://notpush.apple.com/x',
      'https://10.0.0.5/x',
    ]) {
      expect(refusal(() => checkPushEndpoint(endpoint, listed))).toBe('push-endpoint-not-allowed');
    }
  });
});
