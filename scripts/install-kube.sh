#!/usr/bin/env bash
# Provides the real Kubernetes API servers the tests run against: Debian's etcd and a
# kube-apiserver built from Debian's `kubernetes` source package. Idempotent: a second run finds
# both and returns at once. Needs root and Debian bookworm's package archive (no Docker, no other
# download). The binary is cached outside the clone, keyed by version, in
#   ${MESHNS_KUBE_CACHE:-$HOME/.cache/meshns}/kube-apiserver-<version>
# and the tests find it there (or through MESHNS_KUBE_APISERVER / MESHNS_ETCD).
set -euo pipefail

VERSION=1.20.2
CACHE="${MESHNS_KUBE_CACHE:-$HOME/.cache/meshns}"
BINARY="$CACHE/kube-apiserver-$VERSION"

say() { echo "install-kube: $*"; }
fail() { echo "install-kube: error: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || command -v sudo >/dev/null || fail "run as root (apt-get installs etcd-server and the Go toolchain)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

. "$(dirname "$0")/apt.sh"

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    apt_get_update || fail "apt-get update failed: is Debian's package archive reachable?"
    apt_updated=yes
  fi
  say "apt-get install $*"
  apt_get_install "$@" \
    || fail "apt-get install $* failed"
}

# etcd: Debian's package. The package starts a system etcd on :2379 where systemd runs; the tests
# start their own on free ports, so stop that one if it was started.
if command -v etcd >/dev/null; then
  say "etcd present: $(etcd --version | head -1)"
else
  apt_install etcd-server
  $SUDO systemctl disable --now etcd >/dev/null 2>&1 || true
  command -v etcd >/dev/null || fail "etcd-server installed but no etcd on PATH"
  say "etcd installed: $(etcd --version | head -1)"
fi

if [ -x "$BINARY" ] && "$BINARY" --version >/dev/null 2>&1; then
  say "kube-apiserver present: $BINARY ($("$BINARY" --version))"
  exit 0
fi

# kube-apiserver: built from Debian's source package. A plain `go build` in the tree fails
# ("updates to go.mod needed"); the upstream Makefile in a GOPATH layout works.
say "building kube-apiserver $VERSION from Debian's kubernetes source package (about 3 minutes on 2 cores)"
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  say "adding a deb-src entry for bookworm"
  $SUDO tee /etc/apt/sources.list.d/meshns-deb-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_updated=""
fi
apt_install golang-go rsync make dpkg-dev

WORK="$(mktemp -d "${TMPDIR:-/tmp}/meshns-kube-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
chown _apt "$WORK" 2>/dev/null || true # apt-get source downloads as the _apt user where it can
cd "$WORK"
say "apt-get source kubernetes (into $WORK)"
apt-get source --download-only -qq kubernetes >/dev/null || fail "apt-get source kubernetes failed: no deb-src entry reachable?"
dsc="$(ls kubernetes_*.dsc 2>/dev/null | head -1)"
[ -n "$dsc" ] || fail "no kubernetes .dsc downloaded"
dpkg-source --no-check -x "$dsc" src >/dev/null || fail "could not unpack $dsc"
[ -d src/vendor ] || fail "the source package has no vendor/ tree; cannot build offline"
# Debian ships 1.20.2 as "1.20.5+really1.20.2-…"; the real upstream version is after "really".
got="$(sed -n 's/^Version: //p' "$dsc" | head -1)"
case "$got" in
  *"really$VERSION"* | "$VERSION"-*) ;;
  *) fail "the source package is kubernetes $got, not $VERSION; set VERSION in this script to build it" ;;
esac

mkdir -p gopath/src/k8s.io
ln -s "$WORK/src" gopath/src/k8s.io/kubernetes
export GOPATH="$WORK/gopath" GO111MODULE=off GOFLAGS=-mod=vendor CGO_ENABLED=0 GOCACHE="$WORK/gocache"
cd gopath/src/k8s.io/kubernetes
say "make WHAT=cmd/kube-apiserver ($(go version))"
# The Makefile derives the version from git, which the source package does not carry.
export KUBE_GIT_VERSION="v$VERSION" KUBE_GIT_TREE_STATE=clean
make WHAT=cmd/kube-apiserver >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; fail "make WHAT=cmd/kube-apiserver failed (log above)"; }
built="$(find _output -type f -name kube-apiserver -perm -u+x | head -1)"
[ -n "$built" ] || fail "build finished but no kube-apiserver binary in _output"
mkdir -p "$CACHE"
install -m 0755 "$built" "$BINARY.tmp" && mv "$BINARY.tmp" "$BINARY"
say "kube-apiserver built: $BINARY ($("$BINARY" --version))"
