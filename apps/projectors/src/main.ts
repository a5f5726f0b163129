import 'reflect-metadata';
import { runApp } from '@chat/platform';

runApp({
  name: 'projectors',
  port: (config) => config.ports.projectors,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis'],
  imports: () => [],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
