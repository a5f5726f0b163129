import 'reflect-metadata';
import { runApp } from '@chat/platform';
import { ProjectionsModule } from './projections.module';

runApp({
  name: 'projectors',
  port: (config) => config.ports.projectors,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis'],
  // Every running version of every projection shares the pool (a rebuild runs beside readers').
  postgresPoolSize: 20,
  imports: () => [ProjectionsModule],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
