#!/usr/bin/env bash
# `npm test`: installs what the suite needs on a fresh machine, then runs every check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run build
npm run lint
npm run typecheck
npm run knip
npx vitest run
