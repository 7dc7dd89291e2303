#!/usr/bin/env bash
# Sets up a fresh Debian machine for building Neurite; skips whatever is already there.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: no Swift toolchain on PATH (Neurite needs Swift 6.0 or newer)" >&2
  exit 1
fi

# Debian packages the build needs: libzmq for the Runtime's ZeroMQ transport (module CZeroMQ).
packages=(pkg-config libzmq3-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# pyzmq for the live-I/O example client (Examples/live/client.py) and the test that runs it.
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import zmq" >/dev/null 2>&1; then
  echo "setup: installing pyzmq"
  python3 -m pip install -q pyzmq >/dev/null 2>&1 \
    || python3 -m pip install -q --break-system-packages pyzmq >/dev/null 2>&1 \
    || echo "setup: could not install pyzmq; the test of Examples/live/client.py will be skipped" >&2
fi

# Headless Chromium for the test that renders `neurite report` pages (Tests/CLITests). Optional:
# without it that one test is skipped and says why.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "setup: installing chromium"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; } \
    || echo "setup: could not install chromium; the test that renders a report page will be skipped" >&2
fi
