import { Command } from 'commander';
import { mintToken } from '@chat/auth';
import { loadConfig } from '@chat/config';

/** `npm run token -- alice --device phone`: a bearer token for local use. */
const program = new Command('token')
  .description('Mint a local HS256 bearer token (refused in production)')
  .argument('<userId>', 'the user the token speaks for')
  .option('-d, --device <deviceId>', 'the device the token is issued to')
  .option('-t, --ttl <seconds>', 'lifetime in seconds', '86400')
  .action(async (userId: string, options: { device?: string; ttl: string }) => {
    const config = loadConfig();
    if (!config.auth.devTokens) {
      program.error('minting tokens is off: it needs CHAT_DEV_TOKENS=on (never in production)', {
        exitCode: 2,
      });
    }
    const ttl = Number(options.ttl);
    if (!Number.isInteger(ttl) || ttl <= 0) program.error('--ttl must be a positive integer');
    const { token } = await mintToken(config.auth, { userId, deviceId: options.device }, ttl);
    process.stdout.write(`${token}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
