#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k golden).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

# The browser tests drive Debian's Chromium; CJK fonts make the pages render as people see them.
if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

# axe-core, the accessibility rules engine injected into pages by the browser tests.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-audit --no-fund --loglevel=error
fi

# Lint and types first (settings in pyproject.toml); either failing fails the run.
python3 -m ruff check generator tests benchmarks
python3 -m mypy generator

python3 -m pytest "$@"
