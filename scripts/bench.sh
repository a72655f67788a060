#!/usr/bin/env bash
# `npm run bench -- <name>`: runs bench/<name>.ts (each prints its figures and exits non-zero on a missed target).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run build --silent
name="${1:-}"
if [ -z "$name" ] || [ ! -f "bench/$name.ts" ]; then
  echo "usage: npm run bench -- <name>   (one of: $(cd bench && ls *.ts | sed 's/\.ts$//' | tr '\n' ' '))" >&2
  exit 2
fi
shift
exec npx tsx "bench/$name.ts" "$@"
