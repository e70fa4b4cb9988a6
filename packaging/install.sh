#!/usr/bin/env bash
# Install a built bundle for the current user (or PREFIX=/usr/local, as root, for everyone):
# the app folder, a `margin-monitor` link on the PATH, the menu entry, icons and metainfo.
# Usage: packaging/install.sh [BUNDLE_DIR]   (default: dist/margin-monitor)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bundle="$(cd "${1:-$root/dist/margin-monitor}" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
share="$prefix/share"

[ -x "$bundle/margin-monitor" ] || { echo "no bundle at $bundle (run packaging/build.sh)" >&2; exit 1; }

rm -rf "$prefix/lib/margin-monitor"
mkdir -p "$prefix/lib" "$prefix/bin"
cp -a "$bundle" "$prefix/lib/margin-monitor"
ln -sfn "$prefix/lib/margin-monitor/margin-monitor" "$prefix/bin/margin-monitor"

# The menu entry names the absolute path: ~/.local/bin is not on every desktop session's PATH.
mkdir -p "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
sed "s|^Exec=margin-monitor|Exec=$prefix/bin/margin-monitor|" "$here/margin-monitor.desktop" \
  >"$share/applications/margin-monitor.desktop"
cp "$here/io.github.marginmonitor.MarginMonitor.metainfo.xml" "$share/metainfo/"
icons="$root/resources/icons"
cp "$icons/margin-monitor.svg" "$share/icons/hicolor/scalable/apps/margin-monitor.svg"
for size in 16 32 48 64 128 256 512; do
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  cp "$icons/margin-monitor-$size.png" "$share/icons/hicolor/${size}x${size}/apps/margin-monitor.png"
done

# Refresh the menu and icon caches where the tools exist; the files work without them.
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "installed Margin Monitor in $prefix (run: $prefix/bin/margin-monitor)"
