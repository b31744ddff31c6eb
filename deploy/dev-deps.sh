#!/usr/bin/env bash
# System tools the test suite drives for real: promtool (Debian's prometheus) for the alert
# rules, chromium for the readiness report. Installs what is missing (as root, via apt-get);
# otherwise says in one line what to install. Fast when everything is there.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "lyrad: the tests need these Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    exit 1
fi
echo "lyrad: installing ${missing[*]} (Debian packages the tests use)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
