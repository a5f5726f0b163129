import type { AppSpec } from '@chat/platform';
import { GatewayModule } from './gateway.module';

export const gatewaySpec: AppSpec = {
  name: 'gateway',
  port: (config) => config.ports.gateway,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis', 's3'],
  imports: () => [GatewayModule],
};
