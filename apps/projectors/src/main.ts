import 'reflect-metadata';
import { runApp } from '@chat/platform';
import { projectionsModule } from './projections.module';

runApp({
  name: 'projectors',
  port: (config) => config.ports.projectors,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis'],
  imports: (config) => [projectionsModule(config)],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
