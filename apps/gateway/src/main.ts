import 'reflect-metadata';
import { runApp } from '@chat/platform';

runApp({
  name: 'gateway',
  port: (config) => config.ports.gateway,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis'],
  imports: () => [],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
