#!/usr/bin/env bash
# Installs what building and testing Brief Studio needs, and only what is
# missing, so running it again costs a second: Debian packages (when root;
# otherwise it prints the apt-get command) and the frontend's npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# GTK/WebKitGTK for the desktop build; Chromium, Xvfb, ImageMagick, D-Bus and
# poppler for the browser, desktop and PDF tests.
PACKAGES=(pkg-config gcc libgtk-3-dev libwebkit2gtk-4.1-dev chromium xvfb xauth
	imagemagick poppler-utils dbus dbus-x11 xdotool)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $(id -u) == 0 ]]; then
		echo "deps: installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "deps: missing Debian packages; run as root:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
fi

command -v go >/dev/null || { echo "deps: Go is not on PATH (need Go 1.26)" >&2; exit 1; }
command -v npm >/dev/null || { echo "deps: npm is not on PATH (need Node 20, npm 11)" >&2; exit 1; }

# npm ci only when a lock file changed since the last install.
for dir in frontend test/protocol-node; do
	[[ -f $dir/package-lock.json ]] || continue
	stamp=$dir/node_modules/.package-lock.json
	if [[ ! -f $stamp || $dir/package-lock.json -nt $stamp ]]; then
		echo "deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
		touch "$stamp"
	fi
done
go mod download
