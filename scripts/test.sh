#!/usr/bin/env bash
# Runs every test of the SDK on a fresh machine: installs what the tests need, then the suite.
# .ci/run calls exactly this script; README.md names it.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the integration tests use (real QUIC peers, namespaces, nftables). Installed only
# when running as root and only when missing; without root the tests that need them skip and say why.
packages=(iproute2 nftables ngtcp2-client ngtcp2-server)
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

status=0
dotnet test Mycnet.Networking.sln -c Release --nologo "$@" || status=$?

# The ngtcp2 interop matrix (every case, both roles) against the real gtlsclient / gtlsserver. It
# needs root for its namespaces and nftables; under CI=true a missing peer or prerequisite fails it.
./interop/run.sh --peer ngtcp2 --all || status=$?
exit "$status"
