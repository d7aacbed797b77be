#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite.
#   - Debian packages: chromium + chromium-driver (real-browser tests), python3-venv, fonts, npm,
#     LibreOffice Impress and Writer (the briefing deck and note converted to PDF)
#   - axe-core from the npm registry into tests/js (accessibility checks in the test browser)
#   - a virtual environment in .venv with the package and its [test] extra
# Extra arguments go to pytest (e.g. scripts/test.sh -k data).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v npm >/dev/null 2>&1 || need+=(npm)  # axe-core for the accessibility tests (tests/js)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)  # text in exported images
# LibreOffice opens the briefing deck and note as a person would (tests/test_briefing.py)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-impress libreoffice-writer)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "error: the tests need the Debian packages: ${need[*]}" >&2
    echo "       run this script as root, or first: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# JavaScript injected into the test browser only (axe-core), pinned by tests/js/package-lock.json
[ -f tests/js/node_modules/axe-core/axe.min.js ] || npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
exec .venv/bin/python -m pytest "$@"
