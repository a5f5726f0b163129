import { configDefaults } from '@chat/config';
import type { Refusal } from '@chat/commands';
import { checkPushEndpoint } from './endpoint-policy';

const push = configDefaults().push;

/** The problem code a check refuses with, or undefined when it takes the endpoint. */
function refusal(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Refusal).code;
  }
}

describe('push endpoint policy', () => {
  it('should take any http(s) endpoint locally when no hosts are configured', () => {
    expect(
      refusal(() => checkPushEndpoint('http://push.example.com/push/1', push)),
    ).toBeUndefined();
    expect(
      refusal(() => checkPushEndpoint('https://fcm.googleapis.com/fcm/send/x', push)),
    ).toBeUndefined();
  });

  it('should refuse loopback, private and link-local targets unless configured', () => {
    for (const endpoint of [
      'https://127.0.0.1/x',
      'https://127.1.2.3:8443/x',
      'https://localhost/x',
      'https://push.localhost/x',
      'https://10.0.0.5/x',
      'https://172.20.1.1/x',
      'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://0.0.0.0/x',
      'https://[::1]/x',
      'https://[fe80::1]/x',
      'https://[fd12:3456::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[::ffff:a9fe:a9fe]/x',
    ]) {
      expect([endpoint, refusal(() => checkPushEndpoint(endpoint, push))]).toEqual([
        endpoint,
        'push-endpoint-not-allowed',
      ]);
    }
    const local = { ...push, allowInternalEndpoints: true };
    expect(refusal(() => checkPushEndpoint('http://127.0.0.1:9/push/1', local))).toBeUndefined();
    expect(refusal(() => checkPushEndpoint('https://[2606:4700::1]/x', push))).toBeUndefined();
    expect(refusal(() => checkPushEndpoint('https://8.8.8.8/x', push))).toBeUndefined();
  });

  it('should refuse plain http where it is not allowed (a deployment)', () => {
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
