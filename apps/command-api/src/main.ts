import 'reflect-metadata';
import { runApp } from '@chat/platform';
import { commandApiSpec } from './command-api.app';

runApp(commandApiSpec).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
