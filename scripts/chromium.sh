#!/usr/bin/env bash
# Installs Debian's chromium (headless browser for tests/e2e/test_docs_e2e.py, which loads /docs
# from the built binary with the network otherwise unreachable). Safe to run again: it checks first.
# Called by scripts/bootstrap.sh; CI on a fresh machine gets chromium from here.
set -euo pipefail

log() { printf '[chromium] %s\n' "$*"; }

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
log "installing Debian's chromium (headless /docs test)"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
chromium --version
