#!/bin/sh
# Installs npm dependencies when they are missing or older than the lockfile.
# `npm install` (not `npm ci`): npm 11 rejects this lockfile's optional platform packages in
# `ci` mode although it installs exactly the locked versions.
set -e
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
