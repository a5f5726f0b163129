// The test harness runs against the local stack and mints tokens with the public development
// secret, which only CHAT_ENVIRONMENT=local accepts. A test of a deployment sets `deployed`.
process.env.CHAT_ENVIRONMENT ??= 'local';
// The push tests run their push service on loopback.
process.env.CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS ??= 'on';
