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

. "$(dirname "$0")/apt.sh"

say "apt-get update"
apt_get_update || fail "apt-get update failed: is Debian's package archive reachable?"
say "apt-get install chromium chromium-driver"
apt_get_install chromium chromium-driver \
  || fail "apt-get install chromium chromium-driver failed"
command -v chromium >/dev/null && command -v chromedriver >/dev/null || fail "installed, but chromium or chromedriver is not on PATH"
say "installed: $(chromium --version 2>/dev/null | head -1); $(chromedriver --version | head -1)"
