// The test harness runs against the local stack and mints tokens with the public development
// secret, which only CHAT_ENVIRONMENT=local accepts. A test of a deployment sets `deployed`.
process.env.CHAT_ENVIRONMENT ??= 'local';
