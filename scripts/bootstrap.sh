#!/usr/bin/env bash
# Prepare a fresh machine (Debian 12, Node 20, npm) to build and test sym:
# pnpm (pinned, installed with npm, without corepack), the system packages
# the GPU backends' tests need (scripts/system-deps.sh, where it exists:
# software Vulkan and OpenGL drivers, Xvfb, a C++ toolchain for `gl`), and
# the workspace's dependencies exactly as pnpm-lock.yaml pins them.
#
# SYM_SKIP_SYSTEM_DEPS=1 skips the system packages (a machine that has them,
# or one without root where only the CPU parts will be tested).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm $PNPM_VERSION with npm"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ -f scripts/system-deps.sh ] && [ "${SYM_SKIP_SYSTEM_DEPS:-0}" != 1 ]; then
  echo "bootstrap: system packages (scripts/system-deps.sh)"
  if [ "$(id -u)" = 0 ]; then
    bash scripts/system-deps.sh
  elif command -v sudo >/dev/null; then
    sudo bash scripts/system-deps.sh
  else
    echo "bootstrap: scripts/system-deps.sh needs root and there is no sudo; run it as root, or set SYM_SKIP_SYSTEM_DEPS=1" >&2
    exit 1
  fi
fi

echo "bootstrap: pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile
