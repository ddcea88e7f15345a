#!/usr/bin/env bash
# Provides what the container-image tests need: Debian's podman (with runc) to build and run
# src/main/docker/Dockerfile.jvm, and a JDK 25 base image to build it FROM. The public one
# (eclipse-temurin:25-jre) cannot be pulled where only Debian's archive is reachable, so this makes a
# stand-in, localhost/meshns-test/java:25: a minimal Debian (debootstrap) with this machine's JDK 25
# at /opt/java/openjdk, where the Temurin images keep theirs. Idempotent: a second run finds both and
# returns at once. Needs root (or sudo) and Debian's package archive.
#
# The JDK: MESHNS_JDK25 (its home), else the first JDK 25 or later under /usr/lib/jvm.
set -euo pipefail

say() { echo "install-podman: $*"; }
fail() { echo "install-podman: error: $*" >&2; exit 1; }

IMAGE=localhost/meshns-test/java:25
export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/podman/containers.conf}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
# Root's podman, with the settings above.
root_podman() { if [ -z "$SUDO" ]; then podman "$@"; else sudo --preserve-env=CONTAINERS_CONF podman "$@"; fi; }

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null \
  || ! [ -x /usr/lib/podman/netavark ]; then
  [ "$(id -u)" = 0 ] || command -v sudo >/dev/null || fail "run as root (apt-get installs podman, runc, netavark and debootstrap)"
  . "$(dirname "$0")/apt.sh"
  say "apt-get update"
  apt_get_update || fail "apt-get update failed: is Debian's package archive reachable?"
  say "apt-get install podman runc netavark debootstrap"
  apt_get_install podman runc netavark debootstrap || fail "apt-get install podman runc netavark debootstrap failed"
fi
say "present: $(podman --version)"

if root_podman image exists "$IMAGE"; then
  say "present: $IMAGE"
  exit 0
fi

jdk="${MESHNS_JDK25:-}"
if [ -z "$jdk" ]; then
  for home in /usr/lib/jvm/*/; do
    release="$home/release"
    [ -x "$home/bin/java" ] && [ -f "$release" ] || continue
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then jdk="${home%/}"; break; fi
  done
fi
[ -n "$jdk" ] && [ -x "$jdk/bin/java" ] || fail "no JDK 25 or later under /usr/lib/jvm; set MESHNS_JDK25 to one"

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
root=$(mktemp -d)
trap '$SUDO rm -rf "$root"' EXIT
say "debootstrap bookworm (minbase) from ${mirror:-http://deb.debian.org/debian}"
$SUDO debootstrap --variant=minbase bookworm "$root/fs" "${mirror:-http://deb.debian.org/debian}" >"$root/debootstrap.log" 2>&1 \
  || { tail -20 "$root/debootstrap.log" >&2; fail "debootstrap failed"; }
$SUDO mkdir -p "$root/fs/opt/java"
$SUDO cp -a "$jdk" "$root/fs/opt/java/openjdk"
say "podman import $IMAGE ($jdk)"
$SUDO tar -C "$root/fs" -c . | root_podman import --quiet \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$IMAGE" >/dev/null || fail "podman import of $IMAGE failed"
say "made $IMAGE: $(root_podman run --rm "$IMAGE" java -version 2>&1 | sed -n 2p)"
