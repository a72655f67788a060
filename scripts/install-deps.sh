#!/usr/bin/env bash
# Installs what slipway's build, demo and tests need when it is missing, so a fresh machine needs
# nothing else: npm packages, and the Debian packages whose server binaries the process target runs
# (PostgreSQL, Redis), the nginx router driver uses, the metrics and alert tests run (Prometheus,
# Alertmanager), the Docker and Swarm targets' tests (the engine, a registry) and the dashboard's browser tests (Chromium) use. Never starts their system services.
set -euo pipefail
cd "$(dirname "$0")/.."

# A node_modules that is a symlink (a git worktree sharing another checkout's) is left alone: npm ci
# would empty the folder it points to.
if [ ! -L node_modules ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "installing npm packages (npm ci; the first time takes a minute or two)" >&2
  npm ci --no-audit --no-fund
fi

missing=()
# The agent's native addon (native/peercred: its socket's peer credentials) is built by node-gyp.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light libnginx-mod-stream)
# New backups are compressed with zstd (gzip where it is missing); its tests expect it.
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
# The Docker target's tests start their own dockerd (never the system's service): Debian's engine.
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# The swarm target's registry tests push to Debian's registry (distribution), started on loopback by
# the test itself; htpasswd (apache2-utils) makes the login file of its basic-auth variant.
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# The dashboard's tests drive Debian's Chromium with playwright-core (never a browser download).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "slipway needs ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} (Debian packages; this takes a minute or two)" >&2
  # policy-rc.d 101 keeps the packages from starting their own servers: slipway starts what it needs.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
