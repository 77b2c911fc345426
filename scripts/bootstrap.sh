#!/usr/bin/env bash
# Prepare a fresh machine (Debian 12, Node 20, npm) to build and test sym:
# pnpm (pinned, without corepack), the system packages the GPU backends'
# tests need (software Vulkan and OpenGL drivers, Xvfb, Chromium), and the
# workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ -x scripts/system-deps.sh ] && [ "${SYM_SKIP_SYSTEM_DEPS:-0}" != 1 ]; then
  scripts/system-deps.sh
fi

pnpm install --frozen-lockfile
