import 'reflect-metadata';
import { runApp } from '@chat/platform';

runApp({
  name: 'command-api',
  port: (config) => config.ports.commandApi,
  dependencies: ['kafka', 'registry', 'postgres', 'redis'],
  imports: () => [],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
