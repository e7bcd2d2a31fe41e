#!/usr/bin/env bash
# Refresh the site's vendored browser assets from npm (the only place they come from):
#   oxigraph (WebAssembly SPARQL store) and @zazuko/yasgui (SPARQL editor and result tables).
# Usage: scripts/refresh-vendor.sh [OXIGRAPH_VERSION] [YASGUI_VERSION]
# Writes src/kzgraph/publish/site/static/vendor/{oxigraph,yasgui}/ and VERSIONS there; the
# LICENSE files beside them are kept, and the script stops if a package's licence changed.
set -euo pipefail
cd "$(dirname "$0")/.."
oxigraph="${1:-0.5.11}"
yasgui="${2:-4.6.2}"
vendor=src/kzgraph/publish/site/static/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "oxigraph@$oxigraph" "@zazuko/yasgui@$yasgui" >/dev/null)
mkdir -p "$work/ox" "$work/ya"
tar xzf "$work/oxigraph-$oxigraph.tgz" -C "$work/ox"
tar xzf "$work/zazuko-yasgui-$yasgui.tgz" -C "$work/ya"

licence() { node -e "console.log(require(process.argv[1]).license)" "$1"; }
[ "$(licence "$work/ox/package/package.json")" = "MIT OR Apache-2.0" ] \
    || { echo "oxigraph's licence changed: check it before vendoring" >&2; exit 1; }
[ "$(licence "$work/ya/package/package.json")" = "MIT" ] \
    || { echo "@zazuko/yasgui's licence changed: check it before vendoring" >&2; exit 1; }

mkdir -p "$vendor/oxigraph" "$vendor/yasgui"
cp "$work/ox/package/web.js" "$work/ox/package/web_bg.wasm" "$vendor/oxigraph/"
# no source map comment: nothing is requested that the site does not hold
sed '/^\/\/# sourceMappingURL=/d' "$work/ya/package/build/yasgui.min.js" > "$vendor/yasgui/yasgui.min.js"
sed 's|/\*# sourceMappingURL=[^*]*\*/||' "$work/ya/package/build/yasgui.min.css" > "$vendor/yasgui/yasgui.min.css"
{
    echo "# Vendored by scripts/refresh-vendor.sh from npm; do not edit by hand."
    echo "oxigraph $oxigraph $(sha256sum "$work/oxigraph-$oxigraph.tgz" | cut -d' ' -f1) MIT OR Apache-2.0"
    echo "@zazuko/yasgui $yasgui $(sha256sum "$work/zazuko-yasgui-$yasgui.tgz" | cut -d' ' -f1) MIT"
} > "$vendor/VERSIONS"
echo "vendored oxigraph $oxigraph and @zazuko/yasgui $yasgui into $vendor"
