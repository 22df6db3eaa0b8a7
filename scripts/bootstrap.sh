#!/usr/bin/env bash
# Installs what building and testing chat-service needs, and only what is missing:
#   - Debian packages: libmongoc/libbson (the C driver), pkg-config, wrk and hey (load tools), curl,
#     docker-compose (validates docker-compose.yaml offline; no Docker engine is needed)
#   - a project-local Python venv (.venv) with SecantusDB (the MongoDB-wire server used for
#     development and tests), pymongo, pytest, requests, PyYAML and matplotlib (benchmark plots).
# Safe to run again: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*"; }

apt_packages=(libmongoc-dev libbson-dev pkg-config wrk hey curl docker-compose faketime)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_packages=(SecantusDB pymongo pytest requests pyyaml openai ollama matplotlib schemathesis openapi-spec-validator)
if [ ! -x .venv/bin/python ]; then
    log "creating Python venv in .venv"
    python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import secantus, pymongo, pytest, requests, yaml, openai, ollama, matplotlib, schemathesis, openapi_spec_validator' 2>/dev/null \
    || [ ! -x .venv/bin/secantusd-py ]; then
    log "installing Python packages: ${python_packages[*]}"
    .venv/bin/pip install -q --disable-pip-version-check "${python_packages[@]}"
fi
scripts/chromium.sh   # headless browser for tests/e2e/test_docs_e2e.py
log "ready"
