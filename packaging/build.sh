#!/usr/bin/env bash
# Build the one-folder app: dist/margin-monitor/margin-monitor (usage: build.sh [DIST] [WORK]).
# PyInstaller keeps its analysis cache in WORK, so a rebuild after a small change is quicker.
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
work="${2:-build/pyinstaller}"
python="${PYTHON:-.venv/bin/python}"
"$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/margin-monitor.spec
echo "built $dist/margin-monitor: $(du -sh "$dist/margin-monitor" | cut -f1)"
