#!/usr/bin/env bash
# Makes the local base images that slipway's Docker tests and examples build FROM, out of this
# machine's own files with `docker import` (no image can be pulled here). They are named as local
# images, never as the official ones:
#   slipway-local/node:20   Node.js, /bin/sh (dash) and a few coreutils, with their shared libraries
# Uses the engine DOCKER_HOST names; an image that exists already is kept.
set -euo pipefail

image="slipway-local/node:20"
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi

root="$(mktemp -d "${TMPDIR:-/tmp}/slipway-rootfs.XXXXXX")"
trap 'rm -rf "$root"' EXIT

# Debian merges /usr: the image does the same, so every path the dynamic loader looks in exists.
mkdir -p "$root"/usr/{bin,lib,lib64} "$root"/{etc,tmp,root,app,proc,sys,dev}
ln -s usr/bin "$root/bin" && ln -s usr/bin "$root/sbin" && ln -s usr/lib "$root/lib" && ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"

copy_file() { # copies $1 (following links) to the same path under /usr in the image
  local dest="$root/usr${1#/usr}"
  mkdir -p "$(dirname "$dest")"
  cp -L "$1" "$dest"
}

programs=(node dash sleep cat env ls mkdir rm id head tail wc true false kill)
for name in "${programs[@]}"; do
  path="$(command -v "$name")"
  case "$path" in /*) ;; *) path="/usr/bin/$name" ;; esac
  copy_file "$path"
  # Each shared library the program needs, as the loader names it (`libc.so.6 => /lib/…/libc.so.6`).
  while read -r lib; do copy_file "$lib"; done < <(ldd "$path" | grep -oE '/[^ ]+\.so[^ ]*' | sort -u)
done
ln -s dash "$root/usr/bin/sh"

printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' > "$root/etc/group"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'WORKDIR /app' \
  --change 'CMD ["node"]' \
  --message "slipway local base image: this machine's node $(node --version)" \
  - "$image" >/dev/null
echo "made $image" >&2
