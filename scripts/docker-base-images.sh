#!/usr/bin/env bash
# Makes the local base images that slipway's Docker tests and examples use, out of this machine's
# own files with `docker import` (no image can be pulled here). They are named as local images,
# never as the official ones:
#   slipway-local/node:20   Node.js and npm, /bin/sh (dash) and a few coreutils, with their shared
#                           libraries; the machine's CA bundle and npm configuration, so `RUN npm ci`
#                           in a Dockerfile installs from the registry this machine uses
#   slipway-local/redis:7   the machine's redis-server and redis-cli; listens on $PORT at $HOST
#                           (slipway's port convention), data in /data
#   slipway-local/postgres:<major> (and :latest)  the machine's PostgreSQL, with the official image's environment
#                           contract, listening on $PORT at $HOST
# Uses the engine DOCKER_HOST names; an image that exists already is kept.
set -euo pipefail

BASE_PROGRAMS=(dash sleep cat env ls mkdir rm id head tail wc true false kill)
# Image roots being made, removed however the script ends.
ROOTS=()
trap 'rm -rf "${ROOTS[@]}"' EXIT

copy_file() { # copies $2 (following links) to the same path under /usr in the root $1
  local dest="$1/usr${2#/usr}"
  mkdir -p "$(dirname "$dest")"
  cp -L "$2" "$dest"
}

copy_program() { # copies program $2 and each shared library it needs into the root $1
  local path lib
  path="$(command -v "$2" || true)"
  case "$path" in /*) ;; *) path="/usr/bin/$2" ;; esac
  copy_file "$1" "$path"
  # As the loader names them (`libc.so.6 => /lib/…/libc.so.6`).
  while read -r lib; do copy_file "$1" "$lib"; done < <(ldd "$path" | grep -oE '/[^ ]+\.so[^ ]*' | sort -u)
}

# make_image IMAGE SETUP CHANGE… : a root with the base programs, then SETUP ROOT adds the rest.
make_image() {
  local image="$1" setup="$2"
  shift 2
  if docker image inspect "$image" >/dev/null 2>&1; then return 0; fi
  local root
  root="$(mktemp -d "${TMPDIR:-/tmp}/slipway-rootfs.XXXXXX")"
  ROOTS+=("$root")
  # Debian merges /usr: the image does the same, so every path the dynamic loader looks in exists.
  mkdir -p "$root"/usr/{bin,lib,lib64,local/bin} "$root"/{etc,tmp,root,app,data,proc,sys,dev}
  ln -s usr/bin "$root/bin" && ln -s usr/bin "$root/sbin" && ln -s usr/lib "$root/lib" && ln -s usr/lib64 "$root/lib64"
  chmod 1777 "$root/tmp"
  for name in "${BASE_PROGRAMS[@]}"; do copy_program "$root" "$name"; done
  ln -s dash "$root/usr/bin/sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' > "$root/etc/group"
  "$setup" "$root"
  local changes=(--change 'ENV PATH=/usr/local/bin:/usr/bin:/bin')
  for change in "$@"; do changes+=(--change "$change"); done
  tar -C "$root" -c . | docker import "${changes[@]}" --message "slipway local image from this machine's files" - "$image" >/dev/null
  rm -rf "$root"
  echo "made $image" >&2
}

node_setup() {
  copy_program "$1" node
  # npm as Node's own package lays it out, with `npm` and `npx` on PATH.
  local npm_dir
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  mkdir -p "$1/usr/lib/node_modules"
  cp -a "$npm_dir" "$1/usr/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/bin/npx"
  # The machine's public CA bundle and global npm configuration (no credentials live there).
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$1/etc/ssl/certs"
    cp -L /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/"
  fi
  for npmrc in /etc/npmrc /usr/etc/npmrc; do
    if [ -f "$npmrc" ]; then mkdir -p "$1$(dirname "$npmrc")" && cp -L "$npmrc" "$1$npmrc"; fi
  done
}

redis_setup() {
  copy_program "$1" redis-server
  copy_program "$1" redis-cli
  # slipway's convention: listen on $PORT at $HOST; a `redis-server …` command keeps its options.
  cat > "$1/usr/local/bin/redis-entrypoint" <<'EOF'
#!/bin/sh
if [ "$1" = redis-server ]; then shift; fi
exec /usr/bin/redis-server --port "${PORT:-6379}" --bind "${HOST:-127.0.0.1}" --dir /data "$@"
EOF
  # `redis-cli ping` in a healthcheck reaches this instance's port.
  cat > "$1/usr/local/bin/redis-cli" <<'EOF'
#!/bin/sh
exec /usr/bin/redis-cli -p "${PORT:-6379}" "$@"
EOF
  chmod +x "$1/usr/local/bin/redis-entrypoint" "$1/usr/local/bin/redis-cli"
}

postgres_setup() {
  local root="$1" lib="$PG_LIB"
  mkdir -p "$root/usr${lib#/usr}/bin" "$root/usr/share/postgresql" "$root/run/postgresql" "$root/var/lib/postgresql"
  for name in postgres initdb pg_ctl pg_isready psql; do copy_program "$root" "$lib/bin/$name"; done
  cp -a "$lib/lib" "$root/usr${lib#/usr}/lib"
  cp -a "/usr/share/postgresql/$PG_MAJOR" "$root/usr/share/postgresql/"
  cp -a /usr/share/zoneinfo "$root/usr/share/zoneinfo"
  for name in setpriv chown chmod; do copy_program "$root" "$name"; done
  # The machine's postgres user and group ids, so a data directory is owned alike on both targets.
  echo "postgres:x:$(id -u postgres):$(id -g postgres):postgres:/var/lib/postgresql:/bin/sh" >> "$root/etc/passwd"
  echo "postgres:x:$(id -g postgres):" >> "$root/etc/group"
  sed "s|@PG_BIN@|$lib/bin|g" > "$root/usr/local/bin/postgres-entrypoint" <<'SCRIPT'
#!/bin/sh
# The official image's contract: POSTGRES_USER / POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE, a
# secret's file) / POSTGRES_DB / PGDATA; initdb on an empty data directory; then PostgreSQL as the
# postgres user, on $PORT at $HOST.
set -e
if [ "$1" = postgres ]; then shift; fi
if [ -z "${POSTGRES_PASSWORD:-}" ] && [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  POSTGRES_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"
fi
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --clear-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  auth=scram-sha-256
  [ -n "${POSTGRES_PASSWORD:-}" ] || auth=trust
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > /tmp/pwfile
  chown postgres /tmp/pwfile
  as_postgres @PG_BIN@/initdb -D "$PGDATA" -U "$user" --pwfile=/tmp/pwfile -A "$auth" -E UTF8 --locale=C >/dev/null
  rm -f /tmp/pwfile
  db="${POSTGRES_DB:-$user}"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \"$db\";" | as_postgres @PG_BIN@/postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec setpriv --reuid=postgres --regid=postgres --clear-groups @PG_BIN@/postgres -D "$PGDATA" \
  -p "${PORT:-5432}" -c listen_addresses="${HOST:-127.0.0.1}" -k /run/postgresql "$@"
SCRIPT
  # Probes and a person's psql reach this instance's port.
  for tool in pg_isready psql; do
    printf '#!/bin/sh\nexec %s/bin/%s -h 127.0.0.1 -p "${PORT:-5432}" "$@"\n' "$lib" "$tool" > "$root/usr/local/bin/$tool"
  done
  chmod +x "$root/usr/local/bin/postgres-entrypoint" "$root/usr/local/bin/pg_isready" "$root/usr/local/bin/psql"
}

make_image slipway-local/node:20 node_setup 'WORKDIR /app' 'CMD ["node"]'
make_image slipway-local/redis:7 redis_setup 'WORKDIR /data' 'ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]'
PG_LIB="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -n "$PG_LIB" ]; then
  PG_LIB="${PG_LIB%/bin}"
  PG_MAJOR="${PG_LIB##*/}"
  make_image "slipway-local/postgres:$PG_MAJOR" postgres_setup \
    'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]' "ENV PATH=/usr/local/bin:$PG_LIB/bin:/usr/bin:/bin"
  # Also as `slipway-local/postgres` (latest), the name the example's Docker overlay uses.
  docker tag "slipway-local/postgres:$PG_MAJOR" slipway-local/postgres:latest
fi
