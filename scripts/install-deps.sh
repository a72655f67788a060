#!/usr/bin/env bash
# Installs what slipway's build, demo and tests need when it is missing: npm packages now,
# Debian packages (postgresql, redis-server, nginx) as the stages that use them land.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
