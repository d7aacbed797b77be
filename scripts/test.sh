#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite.
#   - Debian packages: chromium + chromium-driver (real-browser tests), python3-venv, fonts,
#     LibreOffice Impress and Writer (the briefing deck and note converted to PDF)
#   - a virtual environment in .venv with the package and its [test] extra
# Extra arguments go to pytest (e.g. scripts/test.sh -k data).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
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
exec .venv/bin/python -m pytest "$@"
