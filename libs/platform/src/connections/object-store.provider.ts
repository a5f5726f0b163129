import type { Provider } from '@nestjs/common';
import type { Config } from '@chat/config';
import { ObjectStore } from '@chat/storage';
import { CONFIG } from '../config.module';

/** The media bucket: `@Inject(OBJECT_STORE) objects: ObjectStore`. */
export const OBJECT_STORE = Symbol('OBJECT_STORE');

export const objectStoreProvider: Provider<ObjectStore> = {
  provide: OBJECT_STORE,
  inject: [CONFIG],
  useFactory: (config: Config) => ObjectStore.fromConfig(config),
};
