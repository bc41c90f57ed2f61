#!/usr/bin/env bash
# Debian packages the test suite needs:
#   chromium, fonts-noto-cjk   headless Chromium renders the HTML reports (with Chinese fonts);
#   postgresql, mariadb-server the hospital front-end tests start their own throwaway servers
#                              (PostgreSQL 15 and MariaDB 10.11 on Debian 12, tests/extract/servers.py);
#   openjdk-17-jre-headless    Spark (--engine spark; the tests marked spark run local[2]).
# Idempotent: nothing is done when every package is installed already. Needs root (CI runs as
# root); otherwise it prints the command and leaves the tests to skip (or fail under CI=true).
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk postgresql mariadb-server openjdk-17-jre-headless)

installed() {
  dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed
}

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]}; run as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# The packages' own services (a system-wide cluster on 5432, mariadb on 3306) must not start:
# the tests run their servers in throwaway folders on free ports, as an unprivileged user.
policy=/usr/sbin/policy-rc.d
placed_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  placed_policy=true
fi
cleanup() { if [ "$placed_policy" = true ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
