#!/usr/bin/env bash
# Builds the livecomments container image (Dockerfile at the repository's root).
#
#   scripts/image.sh build [BUILD_BASE [RUNTIME_BASE]]   build the image (tag: $IMAGE, livecomments:latest)
#   scripts/image.sh debian-base                         make both base images from Debian packages
#
# With a registry at hand the bases are the official Node.js images (the Dockerfile's defaults,
# node:22-bookworm to build and node:22-bookworm-slim to run); any pair with the same Node.js
# major (20 or later) works, e.g. `scripts/image.sh build node:20-bookworm node:20-bookworm-slim`.
# Without a registry, `debian-base` makes localhost/livecomments-base:build and :runtime with
# debootstrap (Debian trixie: Node.js 20 from Debian's own nodejs package) and `podman import`;
# `build` then uses them when no base is named and they exist, and never pulls (--pull=never).
#
# Environment: ENGINE (podman or docker; podman when both), ENGINE_FLAGS (global flags for the
# engine; with podman and runc installed: --runtime runc --cgroup-manager=cgroupfs), IMAGE,
# NPM_CAFILE (CA certificates for the npm registry; default: npm's `cafile` setting),
# DEBIAN_SUITE (trixie), DEBIAN_MIRROR (http://deb.debian.org/debian), BASE_DIR (where the
# debootstrap folders go; a temporary folder, removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}
if [ -z "${ENGINE_FLAGS+x}" ]; then
  ENGINE_FLAGS=''
  if [ "$ENGINE" = podman ] && command -v runc >/dev/null; then
    ENGINE_FLAGS='--runtime runc --cgroup-manager=cgroupfs'
  fi
fi
IMAGE=${IMAGE:-livecomments:latest}
DEBIAN_SUITE=${DEBIAN_SUITE:-trixie}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
LOCAL_BASE=localhost/livecomments-base
# The image's processes run with a bounded number of files and processes on every engine.
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

engine() {
  # shellcheck disable=SC2086
  "$ENGINE" $ENGINE_FLAGS "$@"
}

has_image() {
  engine image exists "$1" 2>/dev/null || engine image inspect "$1" >/dev/null 2>&1
}

# One base image from a debootstrap folder: a plain root file system, no registry involved.
import_root() {
  local root=$1 tag=$2
  # debootstrap can leave /proc (and /sys) mounted in the folder: none of it goes in the image.
  local m
  for m in dev/pts dev sys proc; do
    if mountpoint -q "$root/$m"; then umount "$root/$m"; fi
  done
  # Nothing of the build host's apt caches or logs goes into the image.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*
  tar -C "$root" --numeric-owner --one-file-system -c . | engine import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$tag"
}

debian_base() {
  command -v debootstrap >/dev/null || { echo "image: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  local dir=${BASE_DIR:-}
  local own=0
  if [ -z "$dir" ]; then dir=$(mktemp -d /var/tmp/livecomments-base.XXXXXX); own=1; fi
  # shellcheck disable=SC2064
  # --one-file-system: never into a mount a failed debootstrap left behind (proc, sys, dev).
  [ "$own" = 1 ] && trap "rm -rf --one-file-system '$dir'" EXIT
  local cache="$dir/cache"
  mkdir -p "$cache"
  # Runtime: Node.js and CA certificates only.
  echo "image: debootstrap $DEBIAN_SUITE runtime base"
  debootstrap --variant=minbase --cache-dir="$cache" --include=nodejs,ca-certificates \
    "$DEBIAN_SUITE" "$dir/runtime" "$DEBIAN_MIRROR" >"$dir/runtime.log" 2>&1 || { tail -20 "$dir/runtime.log" >&2; exit 1; }
  import_root "$dir/runtime" "$LOCAL_BASE:runtime"
  # Build: the same system plus npm and what node-gyp needs to compile better-sqlite3 against
  # Debian's Node.js. apt resolves npm's many dependencies (debootstrap's --include does not).
  echo "image: $DEBIAN_SUITE build base (apt-get in the runtime base's copy)"
  cp -a "$dir/runtime" "$dir/build"
  cp /etc/resolv.conf "$dir/build/etc/resolv.conf"
  mount -t proc proc "$dir/build/proc"
  local rc=0
  chroot "$dir/build" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends npm node-gyp libnode-dev python3 make g++ >/dev/null' || rc=$?
  umount "$dir/build/proc"
  rm -f "$dir/build/etc/resolv.conf"
  [ "$rc" = 0 ] || { echo "image: apt-get in the build base failed ($rc)" >&2; exit 1; }
  import_root "$dir/build" "$LOCAL_BASE:build"
  engine run --rm --network none "${ULIMITS[@]}" "$LOCAL_BASE:runtime" node --version
}

build() {
  local build_base=${1:-} runtime_base=${2:-}
  local args=()
  if [ -z "$build_base" ] && has_image "$LOCAL_BASE:build" && has_image "$LOCAL_BASE:runtime"; then
    build_base=$LOCAL_BASE:build
    runtime_base=$LOCAL_BASE:runtime
  fi
  if [ -n "$build_base" ]; then
    args+=(--build-arg "BUILD_IMAGE=$build_base" --build-arg "RUNTIME_IMAGE=${runtime_base:-$build_base}")
  fi
  if [ "$ENGINE" = podman ]; then
    # Docker's format keeps HEALTHCHECK and STOPSIGNAL; local bases are never pulled.
    args+=(--format docker)
    case "$build_base" in "$LOCAL_BASE":*) args+=(--pull=never) ;; esac
  fi
  # npm's own CA file (a registry behind a proxy with a private CA) goes in as a build secret.
  local cafile=${NPM_CAFILE:-$(npm config get cafile 2>/dev/null || true)}
  if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ] && [ -s "$cafile" ]; then
    args+=(--secret "id=npm_ca,src=$cafile")
  fi
  echo "image: $ENGINE build -t $IMAGE ${args[*]}"
  # The build stage installs npm packages: it needs the npm registry, over the host's network.
  engine build --network host "${ULIMITS[@]}" -t "$IMAGE" "${args[@]}" .
}

case "${1:-}" in
  build) shift; build "$@" ;;
  debian-base) debian_base ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
