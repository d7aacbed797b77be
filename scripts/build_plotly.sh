#!/usr/bin/env bash
# Build dashboard/vendor/plotly-usascp.min.js: plotly.js core plus only the trace types
# the dashboard draws (scatter, scattergeo, bar), instead of the full 4.8 MB plotly.min.js.
#
# The plotly.js version is the one the installed Python `plotly` package bundles, so the
# figure JSON plotly.py writes and the browser library that reads it stay in step.
# After upgrading plotly (Python), run this again and commit dashboard/vendor/:
#
#     scripts/build_plotly.sh            # uses .venv/bin/python, or $PYTHON
#
# Needs node + npm (the npm registry) at build time only; the app itself never runs node.
# Writes, in dashboard/vendor/:
#   plotly-usascp.min.js      the bundle (an IIFE that sets window.Plotly)
#   plotly-usascp.min.js.gz   gzip -9 of it, served to browsers that accept gzip
#   plotly-usascp.min.js.br   brotli of it (node's zlib), served to browsers that accept br
#   plotly-usascp.json        manifest: plotly.js version, traces, sha256, bytes, esbuild version
#   plotly.js-LICENSE.txt     plotly.js's MIT licence
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/plotlyjs"
OUT="$ROOT/dashboard/vendor"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
NAME=plotly-usascp

die() { echo "build_plotly: $*" >&2; exit 1; }
command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is not installed (apt-get install npm)"
[ -x "$PYTHON" ] || die "no Python at $PYTHON: create the virtualenv first, or set PYTHON"

VERSION="$("$PYTHON" -c 'from plotly.offline import get_plotlyjs_version; print(get_plotlyjs_version())')"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "unexpected plotly.js version from plotly: '$VERSION'"
echo "build_plotly: the installed plotly (Python) bundles plotly.js $VERSION"

cd "$SRC"
PINNED="$(node -p "require('./package.json').devDependencies['plotly.js']")"
# --ignore-scripts: nothing here needs an install script (esbuild's binary comes in its
# @esbuild/<platform> package; its postinstall only double-checks that).
if [ "$PINNED" = "$VERSION" ] && [ -f package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund
else
    echo "build_plotly: re-pinning plotly.js $PINNED -> $VERSION in plotlyjs/package.json"
    npm install --ignore-scripts --no-audit --no-fund --save-dev --save-exact "plotly.js@$VERSION"
fi
INSTALLED="$(node -p "require('plotly.js/package.json').version")"
[ "$INSTALLED" = "$VERSION" ] || die "installed plotly.js is $INSTALLED, wanted $VERSION"
ESBUILD_VERSION="$(./node_modules/.bin/esbuild --version)"

# The traces: scatter (always in core) plus every plotly.js/lib/<trace> that index.js requires.
TRACES="$(node -e '
const src = require("fs").readFileSync("index.js", "utf8");
const libs = [...src.matchAll(/require\(\s*["\x27]plotly\.js\/lib\/([a-z0-9]+)["\x27]\s*\)/g)].map(m => m[1]);
const traces = ["scatter", ...libs.filter(n => n !== "core" && n !== "scatter")];
if (!libs.includes("core")) { console.error("index.js does not require plotly.js/lib/core"); process.exit(1); }
console.log(JSON.stringify(traces));
')"
echo "build_plotly: traces $TRACES"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Options follow plotly.js's own esbuild-config.js: an IIFE named Plotly (so window.Plotly),
# `global` -> window, no AMD registration, es2016. The maplibre CSS that registry.js requires
# is only used by the `map` traces, which this bundle leaves out, so .css loads as empty.
# Licence comments of the bundled packages are kept at the end of the file.
./node_modules/.bin/esbuild index.js \
    --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
    --define:global=window --define:define.amd=false --loader:.css=empty \
    --legal-comments=eof --charset=utf8 --log-level=warning \
    --banner:js="/*! plotly.js v$VERSION, custom bundle for usascp-dashboard (traces: $(echo "$TRACES" | tr -d '[]"')). MIT licence: plotly.js-LICENSE.txt. Built by scripts/build_plotly.sh */" \
    --outfile="$TMP/$NAME.min.js"

grep -q 'Plotly=' "$TMP/$NAME.min.js" || die "the bundle does not assign the Plotly global"

# The default place plotly.js fetches map outlines from is a public CDN; the app always passes its own
# (config.topojsonURL), and this makes a graph that forgets to fall back to the app's copy, not the internet.
sed -i 's#dflt:"https://cdn.plot.ly/un/"#dflt:"/assets/topojson/"#' "$TMP/$NAME.min.js"
grep -q 'dflt:"/assets/topojson/"' "$TMP/$NAME.min.js" || die "could not point the default topojsonURL at the app's assets"

mkdir -p "$OUT"
cp "$TMP/$NAME.min.js" "$OUT/$NAME.min.js"
gzip -9 -n -c "$OUT/$NAME.min.js" > "$OUT/$NAME.min.js.gz"
node -e '
const fs = require("fs"), zlib = require("zlib");
const [src, dst] = process.argv.slice(1);
const data = fs.readFileSync(src);
fs.writeFileSync(dst, zlib.brotliCompressSync(data, {params: {
  [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
  [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length}}));
' "$OUT/$NAME.min.js" "$OUT/$NAME.min.js.br"
cp node_modules/plotly.js/LICENSE "$OUT/plotly.js-LICENSE.txt"

"$PYTHON" - "$OUT" "$NAME" "$VERSION" "$TRACES" "esbuild $ESBUILD_VERSION" <<'EOF'
import hashlib, json, sys
from pathlib import Path

out, name, version, traces, built_with = sys.argv[1:]
js = (Path(out) / f"{name}.min.js").read_bytes()
manifest = {
    "plotly_js_version": version,
    "traces": json.loads(traces),
    "sha256": hashlib.sha256(js).hexdigest(),
    "bytes": len(js),
    "gzip_bytes": (Path(out) / f"{name}.min.js.gz").stat().st_size,
    "brotli_bytes": (Path(out) / f"{name}.min.js.br").stat().st_size,
    "built_with": built_with,
    "entry": "plotlyjs/index.js",
}
(Path(out) / f"{name}.json").write_text(json.dumps(manifest, indent=2) + "\n")
print(f"build_plotly: {name}.min.js {len(js):,} bytes, gzip {manifest['gzip_bytes']:,}, brotli {manifest['brotli_bytes']:,}")
EOF
