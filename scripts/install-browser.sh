#!/usr/bin/env bash
# Provides the browser the console's tests drive: Debian's chromium and its chromedriver (same
# version, from the same source package). Idempotent: a second run finds both and returns at once.
# Needs root (or sudo) and Debian's package archive; nothing else is downloaded (Selenium Manager
# is never used: the tests name both binaries).
set -euo pipefail

say() { echo "install-browser: $*"; }
fail() { echo "install-browser: error: $*" >&2; exit 1; }

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  say "present: $(chromium --version 2>/dev/null | head -1); $(chromedriver --version | head -1)"
  exit 0
fi

[ "$(id -u)" = 0 ] || command -v sudo >/dev/null || fail "run as root (apt-get installs chromium and chromium-driver)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

# apt and dpkg serve one caller at a time: wait up to 10 minutes for another one (an unattended
# upgrade, a parallel install) instead of failing at once. apt-get install waits by itself with
# DPkg::Lock::Timeout; apt-get update ignores that option (apt 2.6), so it is tried again.
APT_LOCK_WAIT=600
apt_get_install() {
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT install -y -qq --no-install-recommends "$@" >/dev/null
}
apt_get_update() {
  local deadline=$((SECONDS + APT_LOCK_WAIT)) err told=""
  until err="$(LC_ALL=C $SUDO apt-get update -qq 2>&1 >/dev/null)"; do
    if [[ "$err" != *"Could not get lock"* ]] || ((SECONDS >= deadline)); then
      echo "$err" >&2
      return 1
    fi
    [ -n "$told" ] || say "another apt holds its lock; waiting for it (up to $((APT_LOCK_WAIT / 60)) minutes)"
    told=yes
    sleep 5
  done
  [ -z "$err" ] || echo "$err" >&2
}

say "apt-get update"
apt_get_update || fail "apt-get update failed: is Debian's package archive reachable?"
say "apt-get install chromium chromium-driver"
apt_get_install chromium chromium-driver \
  || fail "apt-get install chromium chromium-driver failed"
command -v chromium >/dev/null && command -v chromedriver >/dev/null || fail "installed, but chromium or chromedriver is not on PATH"
say "installed: $(chromium --version 2>/dev/null | head -1); $(chromedriver --version | head -1)"
