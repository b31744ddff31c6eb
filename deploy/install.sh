#!/usr/bin/env bash
# Put lyrad on a server (idempotent: run it again to upgrade).
#
#   sudo deploy/install.sh              # install into /, enable the unit
#   DESTDIR=/tmp/root deploy/install.sh # stage into a throwaway root (no systemctl calls)
#
# Creates the `lyrad` user, installs the pinned environment under /opt/lyrad/venv, places
# config.example.toml as /etc/lyrad/lyrad.toml (never overwriting an existing one) and installs
# the systemd unit. Needs python3 (>= 3.11) and systemd-sysusers.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
DESTDIR=${DESTDIR:-}
PYTHON=${PYTHON:-python3}
PREFIX=/opt/lyrad
root=${DESTDIR%/}

say() { printf 'lyrad-install: %s\n' "$*"; }

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
    say "run as root (or set DESTDIR to stage into a directory)" >&2
    exit 1
fi

# 1. The user, from the same sysusers file systemd itself would read.
install -D -m 0644 "$SRC/systemd/lyrad.sysusers.conf" "$root/usr/lib/sysusers.d/lyrad.conf"
if [ -n "$root" ]; then
    mkdir -p "$root/etc"
    systemd-sysusers --root="$root" "$root/usr/lib/sysusers.d/lyrad.conf"
else
    systemd-sysusers /usr/lib/sysusers.d/lyrad.conf
fi

# 2. The pinned environment: exact versions from requirements.lock, lyrad itself not editable.
venv="$root$PREFIX/venv"
if [ ! -x "$venv/bin/python" ]; then
    say "creating $PREFIX/venv"
    "$PYTHON" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$SRC/requirements.lock" "$SRC"
install -d -m 0755 "$root$PREFIX/docs"
install -m 0644 "$SRC"/docs/*.md "$root$PREFIX/docs/"

# 3. Config: the example, once. An operator's file is never overwritten.
install -d -m 0750 "$root/etc/lyrad"
if [ ! -e "$root/etc/lyrad/lyrad.toml" ]; then
    install -m 0640 "$SRC/config.example.toml" "$root/etc/lyrad/lyrad.toml"
    say "placed /etc/lyrad/lyrad.toml (paper trading on the embedded simulator)"
else
    say "kept existing /etc/lyrad/lyrad.toml"
fi
if [ -z "$root" ]; then
    chgrp -R lyrad /etc/lyrad
fi
"$venv/bin/lyrad" check-config "$root/etc/lyrad/lyrad.toml" > /dev/null

# 4. The unit.
install -D -m 0644 "$SRC/systemd/lyrad.service" "$root/etc/systemd/system/lyrad.service"
if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable lyrad.service
    say "enabled lyrad.service; start it with: systemctl start lyrad"
else
    say "staged into ${root:-/}; no systemctl calls"
fi
