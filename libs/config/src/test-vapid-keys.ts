/**
 * For tests that load a production configuration: production refuses the public development
 * VAPID pair, so they need a pair "of their own". This one is as public as the development
 * pair and is only ever used by tests.
 */
export const TEST_OWN_VAPID_ENV = {
  CHAT_PUSH_VAPID_PUBLIC_KEY:
    'BIoR6VdZti5fLoNUSqlYroX0Hrnl-L_hdLGRfAaXy_8_g9mRy-_1nt1oy1IwA15z-sKRpUPM8WPnLwQIBjREw8c',
  CHAT_PUSH_VAPID_PRIVATE_KEY: 'lLdsB52MmPC2MYEUvKwvwMZWWGSifjL1eC-7WhkHL28',
} as const;
