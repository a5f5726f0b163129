#!/usr/bin/env node
// The chat-admin command: runs the TypeScript CLI through tsx, from the repository root (where
// the configuration's relative paths and tsconfig's path aliases are).
const { join } = require('node:path');
process.chdir(join(__dirname, '..', '..', '..'));
require('tsx/cjs');
require('../cli.ts').main();
