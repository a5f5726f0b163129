import type { AppSpec } from '@chat/platform';
import { gatewayModule } from './gateway.module';

export const gatewaySpec: AppSpec = {
  name: 'gateway',
  port: (config) => config.ports.gateway,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis', 's3'],
  imports: (config) => [gatewayModule(config)],
};
