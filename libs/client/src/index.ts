export * from './chat-client';
export * from './types';
export * from './wire';
