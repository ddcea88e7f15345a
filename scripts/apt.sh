# Shared by the install scripts (sourced, not run): apt-get that waits for another apt or dpkg.
# Expects SUDO and say() from the script that sources it.
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
