#!/usr/bin/env bash
# Builds the livecomments container image (Dockerfile at the repository's root).
#
#   scripts/image.sh build [BUILD_BASE [RUNTIME_BASE]]   build the image (tag: $IMAGE, livecomments:latest)
#   scripts/image.sh debian-base                         make both base images from Debian packages
#   scripts/image.sh has-bases                           exit 0 when they are there (same recipe)
#   scripts/image.sh compose-deps                        Debian stand-ins for compose's redis, postgres, nginx
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

# What goes into the Debian bases. Their recipe (these settings and the functions that make them)
# names the images: localhost/livecomments-base:runtime-<hash> and :build-<hash>. A base whose
# recipe is unchanged is kept and reused; a changed recipe makes new ones.
RUNTIME_PACKAGES=nodejs,ca-certificates
# What node-gyp needs to compile better-sqlite3 against Debian's Node.js (headers: libnode-dev).
BUILD_PACKAGES='python3 make g++ libnode-dev'
# npm from the npm registry (one tarball with its dependencies bundled): Debian's npm package is
# npm 9 plus some three hundred node-* packages.
NPM_VERSION=${NPM_VERSION:-10.9.3}
# Downloaded .deb files and the npm tarball stay here between runs (nothing else does).
CACHE_DIR=${LC_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/livecomments-image}

recipe_hash() {
  { echo "$DEBIAN_SUITE $DEBIAN_MIRROR $RUNTIME_PACKAGES $BUILD_PACKAGES $NPM_VERSION"
    declare -f import_root make_roots; } | sha256sum | cut -c1-12
}

base_tag() { echo "$LOCAL_BASE:$1-$(recipe_hash)"; }

# Both roots from one debootstrap: the runtime root (minbase, Node.js, CA certificates), then a
# copy of it with the build packages added by apt (their .deb files from the same cache).
make_roots() {
  local dir=$1 debs="$CACHE_DIR/debs" started=$SECONDS
  mkdir -p "$debs"
  echo "image: debootstrap $DEBIAN_SUITE runtime root (packages cached in $debs)"
  debootstrap --variant=minbase --cache-dir="$debs" --include="$RUNTIME_PACKAGES" \
    "$DEBIAN_SUITE" "$dir/runtime" "$DEBIAN_MIRROR" >"$dir/runtime.log" 2>&1 || { tail -20 "$dir/runtime.log" >&2; return 1; }
  echo "image: debootstrap took $((SECONDS - started)) s"; started=$SECONDS
  cp -a "$dir/runtime" "$dir/build"
  cp /etc/resolv.conf "$dir/build/etc/resolv.conf"
  mount -t proc proc "$dir/build/proc"
  mount --bind "$debs" "$dir/build/var/cache/apt/archives"
  local rc=0
  chroot "$dir/build" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -o Dpkg::Options::=--force-unsafe-io $BUILD_PACKAGES >/dev/null" || rc=$?
  umount "$dir/build/var/cache/apt/archives" "$dir/build/proc"
  rm -f "$dir/build/etc/resolv.conf"
  [ "$rc" = 0 ] || { echo "image: apt-get in the build root failed ($rc)" >&2; return 1; }
  echo "image: apt-get install $BUILD_PACKAGES took $((SECONDS - started)) s"; started=$SECONDS
  local npm_tgz="$CACHE_DIR/npm-$NPM_VERSION.tgz"
  if [ ! -s "$npm_tgz" ]; then
    (cd "$CACHE_DIR" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  fi
  mkdir -p "$dir/build/usr/local/lib/node_modules/npm" "$dir/build/usr/local/bin"
  tar -C "$dir/build/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$npm_tgz"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dir/build/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dir/build/usr/local/bin/npx"
  chroot "$dir/build" npm --version >/dev/null
}

# Makes the Debian bases unless bases of the same recipe are there already; drops older ones.
debian_base() {
  local runtime build
  runtime=$(base_tag runtime)
  build=$(base_tag build)
  if has_image "$runtime" && has_image "$build"; then
    echo "image: $runtime and $build are there (same recipe): reused"
    return 0
  fi
  command -v debootstrap >/dev/null || { echo "image: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  local started=$SECONDS dir=${BASE_DIR:-} own=0
  if [ -z "$dir" ]; then
    dir=$(mktemp -d /var/tmp/livecomments-base.XXXXXX)
    own=1
    # In memory: dpkg's many fsyncs cost nothing there (the two roots take some 600 MB).
    mount -t tmpfs -o size=3g,mode=0755 tmpfs "$dir" 2>/dev/null || true
  fi
  # shellcheck disable=SC2064
  # --one-file-system: never into a mount a failed debootstrap left behind (proc, sys, dev).
  [ "$own" = 1 ] && trap "for m in build/var/cache/apt/archives build/proc runtime/proc; do mountpoint -q '$dir'/\$m && umount '$dir'/\$m; done; \
    mountpoint -q '$dir' && umount '$dir'; rm -rf --one-file-system '$dir'" EXIT
  make_roots "$dir" || exit 1
  local imported=$SECONDS
  import_root "$dir/runtime" "$runtime"
  import_root "$dir/build" "$build"
  echo "image: podman import took $((SECONDS - imported)) s; the bases took $((SECONDS - started)) s"
  engine run --rm --network none "${ULIMITS[@]}" "$runtime" node --version
  # Bases of an older recipe are of no more use.
  local old
  for old in $(engine images --format '{{.Repository}}:{{.Tag}}' | grep "^$LOCAL_BASE:" || true); do
    [ "$old" = "$runtime" ] || [ "$old" = "$build" ] || engine rmi "$old" >/dev/null 2>&1 || true
  done
}

# Debian stand-ins for the redis, postgres and nginx images of deploy/compose.yaml (no registry
# needed), on the runtime base; kept while their recipe is unchanged. Prints their names as the
# variables the compose file reads.
compose_deps() {
  debian_base
  local key
  key=$( { recipe_hash; cat deploy/debian-deps/*; } | sha256sum | cut -c1-12)
  local target tag
  for target in redis postgres nginx; do
    tag="localhost/livecomments-deps:$target-$key"
    if ! has_image "$tag"; then
      echo "image: building $tag"
      # apt-get reaches Debian's mirror over the host's network; no image is pulled.
      engine build --network host --pull=never "${ULIMITS[@]}" --format docker --target "$target" \
        --build-arg "BASE=$(base_tag runtime)" -t "$tag" deploy/debian-deps
    fi
  done
  echo "export REDIS_IMAGE=localhost/livecomments-deps:redis-$key"
  echo "export POSTGRES_IMAGE=localhost/livecomments-deps:postgres-$key"
  echo "export NGINX_IMAGE=localhost/livecomments-deps:nginx-$key"
}

build() {
  local build_base=${1:-} runtime_base=${2:-}
  local args=()
  if [ -z "$build_base" ] && has_image "$(base_tag build)" && has_image "$(base_tag runtime)"; then
    build_base=$(base_tag build)
    runtime_base=$(base_tag runtime)
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
  has-bases) has_image "$(base_tag runtime)" && has_image "$(base_tag build)" ;;
  compose-deps) compose_deps ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
