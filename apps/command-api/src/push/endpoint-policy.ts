import type { Config } from '@chat/config';
import { problem } from '../http/problem';

/**
 * The projectors POST to every endpoint a user registers, so an endpoint is a request the
 * server makes on the user's behalf: in production only https, and only to the push services
 * configured (a host or a subdomain of one), never to an address inside the network.
 */
export function checkPushEndpoint(endpoint: string, push: Config['push']): void {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && !push.allowHttpEndpoints) {
    throw problem(400, 'push-endpoint-not-allowed', 'a push endpoint must be https');
  }
  const host = url.hostname.toLowerCase();
  const allowed =
    push.endpointHosts.length === 0 ||
    push.endpointHosts.some(
      (allowedHost) => host === allowedHost || host.endsWith(`.${allowedHost}`),
    );
  if (!allowed) {
    throw problem(
      400,
      'push-endpoint-not-allowed',
      `${host} is not a push service this server uses`,
    );
  }
}
