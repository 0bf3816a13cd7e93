#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it; Playwright's own
# browser download cannot work without internet access). Idempotent: does nothing when a Chromium
# is already there. Needs root (or sudo) only when it is missing. Prints the executable's path.
set -euo pipefail

find_chromium() { command -v chromium || command -v chromium-browser || true; }

if [ -n "$(find_chromium)" ]; then
  find_chromium
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "chromium: run as root or install Debian's chromium" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -n "$(find_chromium)" ] || { echo "chromium: installed but no chromium on PATH" >&2; exit 1; }
find_chromium
