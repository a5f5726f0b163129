import type { Config } from '@chat/config';
import { pushEndpointRefusal } from '@chat/domain';
import { refuse } from '../http/problem';

/** Refuses (400) an endpoint the notifier would not push to: see `pushEndpointRefusal`. */
export function checkPushEndpoint(endpoint: string, push: Config['push']): void {
  const refusal = pushEndpointRefusal(endpoint, push);
  if (refusal) throw refuse('push-endpoint-not-allowed', refusal);
}
