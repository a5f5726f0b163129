import 'reflect-metadata';
import { runApp } from '@chat/platform';
import { gatewaySpec } from './gateway.app';

runApp(gatewaySpec).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
