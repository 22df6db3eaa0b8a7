#!/usr/bin/env bash
# Renders the Graphviz sources in docs/architecture/*.dot to SVG and PNG next to them
# (installs Debian's graphviz first if `dot` is missing). Commit the sources and the renderings.
#   scripts/render-diagrams.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot >/dev/null 2>&1; then
    echo "[diagrams] installing Debian package graphviz"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz >/dev/null
fi

shopt -s nullglob
sources=(docs/architecture/*.dot)
[ ${#sources[@]} -gt 0 ] || { echo "[diagrams] no .dot files in docs/architecture" >&2; exit 1; }
for src in "${sources[@]}"; do
    out=${src%.dot}
    dot -Tsvg "$src" -o "$out.svg"
    dot -Tpng -Gdpi=110 "$src" -o "$out.png"
    echo "[diagrams] $src -> $out.svg, $out.png"
done
