#!/bin/sh
# Installs PostgreSQL from Debian's packages for the benchmark's PostgreSQL baseline (bench/baseline.ts). The
# benchmark does not use the package's own cluster: it starts a throwaway one in a temp folder (as the postgres
# user when run as root) and deletes it afterwards, so the service the package starts can be stopped.
# Without PostgreSQL, `npm run bench` reports the baseline as "skipped: not installed".
set -eu
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL is installed: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends postgresql
ls -d /usr/lib/postgresql/*/bin
