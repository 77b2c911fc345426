#!/usr/bin/env bash
# On a device machine (a lent GPU), from the repository root, with .device
# carried (node bench/device/pack.mjs builds it): the matmul tile sweep, the
# bench against tfjs-webgpu and jax-js on the same adapter, with the sweep's
# best tile (its section of
# docs/benchmarks.md written to $OUT/benchmarks.md), where W3T's time goes,
# the tutorial MLP on CPU and GPU, and the conformance cases. Logs go to $OUT (or /tmp/sym-device).
set -u
out=${OUT:-/tmp/sym-device}
mkdir -p "$out"
for f in .device/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
mkdir -p /tmp/node && xz -dc .device/node.xz > /tmp/node/node && chmod +x /tmp/node/node
export PATH=/tmp/node:$PATH
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; fi
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv 2>&1 | tee "$out/gpu.txt"
cd .device/js
# step NAME SECONDS ARGS...: one program, its output kept (Dawn's two limit warnings left out)
step() {
  local name=$1 limit=$2
  shift 2
  echo "== $name"
  timeout "$limit" node "$@" 2>&1 | grep -v '^Warning: max' | tee "$out/$name.log"
}
# --no-tiles: skip the sweep (and bench with the default tile) when device time is short
if [ "${1:-}" != "--no-tiles" ]; then step tiles 150 tiles.mjs; fi
best=$(sed -n 's/^best tile: \([0-9x:]*\).*/\1/p' "$out/tiles.log" 2>/dev/null)
step bench 170 bench.mjs --device=webgpu --write --doc="$out/benchmarks.md" --section=webgpu-gpu ${best:+--matmul-tile=$best}
step w3t 45 w3t.mjs
step mlp 40 check-mlp.mjs
step conformance 120 conformance.mjs
