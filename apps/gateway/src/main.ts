import 'reflect-metadata';
import { runApp } from '@chat/platform';
import { gatewayModule } from './gateway.module';

runApp({
  name: 'gateway',
  port: (config) => config.ports.gateway,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis'],
  imports: (config) => [gatewayModule(config)],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
