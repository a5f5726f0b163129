import { z } from 'zod';

/**
 * Where this runs. `deployed`, the default, refuses what is public: the development JWT
 * secret, token minting, the development VAPID keys, plain-http push endpoints. Only the
 * local stack, compose and the test harness say `local`, and every app then logs a warning.
 * Independent of NODE_ENV, which the image sets to `production` for Node's own sake.
 */
export const chatEnvironment = z.enum(['local', 'deployed']).default('deployed');
