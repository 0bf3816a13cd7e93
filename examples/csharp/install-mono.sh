#!/usr/bin/env bash
# Installs the Mono C# compiler and the assemblies the example needs (HttpClient, JSON data
# contracts) from Debian's archive. Idempotent: does nothing when `mcs` and both assemblies are
# already there. Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  mono-mcs                                     # mcs, the compiler (pulls mono-runtime and corlib)
  mono-runtime                                 # mono, to run the built program
  libmono-system-net-http4.0-cil               # System.Net.Http: HttpClient
  libmono-system-runtime-serialization4.0-cil  # DataContractJsonSerializer (Mono has no System.Text.Json)
)

have_everything() {
  command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1 &&
    [ -e /usr/lib/mono/4.5/System.Net.Http.dll ] &&
    [ -e /usr/lib/mono/4.5/System.Runtime.Serialization.dll ]
}

if have_everything; then
  echo "mono: already installed ($(mcs --version))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "mono: run as root or install: ${PACKAGES[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
have_everything || { echo "mono: installed ${PACKAGES[*]} but mcs or an assembly is still missing" >&2; exit 1; }
echo "mono: installed ($(mcs --version))"
