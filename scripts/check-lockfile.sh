#!/usr/bin/env bash
# Does the committed pnpm-lock.yaml match the committed package.json files?
# (What `pnpm install --frozen-lockfile` in a fresh clone needs.) The working
# tree's lock often also holds other people's uncommitted dependency changes;
# this checks HEAD (or the commit given) alone, in a temporary copy, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
REV="${1:-HEAD}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
git archive "$REV" | tar -x -C "$TMP"
if (cd "$TMP" && pnpm install --frozen-lockfile --lockfile-only --offline >"$TMP/.log" 2>&1); then
  echo "check-lockfile: pnpm-lock.yaml at $REV matches its package.json files"
else
  grep -E 'ERR_PNPM|not up to date' "$TMP/.log" >&2 || cat "$TMP/.log" >&2
  echo "check-lockfile: pnpm-lock.yaml at $REV does not match; commit the lock that pnpm install writes for the committed package.json files" >&2
  exit 1
fi
