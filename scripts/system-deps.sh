#!/usr/bin/env bash
# System packages the GPU backends' tests need on Debian 12 (run as root;
# `scripts/bootstrap.sh` calls it). Each backend owns one clearly marked
# section below; keep edits inside your own section.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The Debian mirror this machine's apt already uses (deb822 or one-line format).
debian_mirror() {
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m="$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list)"
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

# ---------------------------------------------------------------------------
# WebGPU (@sym/backend-webgpu): Dawn (the `webgpu` npm package) on Mesa's
# lavapipe software Vulkan driver. Debian 12's Mesa 22 lavapipe is refused by
# Dawn, so Mesa 25 from bookworm-backports is fetched with a private apt
# configuration (the system's apt setup is untouched) and unpacked into
# .cache/mesa. Writes .cache/mesa/env.sh (to source) and env.json (read by
# the package's vitest config) with VK_ICD_FILENAMES, LD_LIBRARY_PATH and
# XDG_RUNTIME_DIR.
# ---------------------------------------------------------------------------
webgpu_deps() {
  apt_install libvulkan1 mesa-vulkan-drivers
  local dir="$ROOT/.cache/mesa"
  local apt="$dir/apt"
  rm -rf "$dir"
  mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/parts" "$apt/debs" "$dir/root" "$dir/xdg"
  echo "deb $(debian_mirror) bookworm-backports main" >"$apt/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=$apt/sources.list"
    -o "Dir::Etc::SourceParts=$apt/parts"
    -o "Dir::State::Lists=$apt/lists"
    -o "Dir::Cache::Archives=$apt/archives"
    -o "Dir::Cache::pkgcache="
    -o "Dir::Cache::srcpkgcache="
    -o "APT::Get::List-Cleanup=0"
    -o "APT::Sandbox::User=root"
  )
  apt-get "${opts[@]}" update -qq
  (cd "$apt/debs" && apt-get "${opts[@]}" download \
    mesa-vulkan-drivers/bookworm-backports libdrm2/bookworm-backports libdrm-amdgpu1/bookworm-backports >/dev/null)
  for deb in "$apt/debs"/*.deb; do dpkg -x "$deb" "$dir/root"; done
  local lib="$dir/root/usr/lib/x86_64-linux-gnu"
  if [ ! -f "$lib/libvulkan_lvp.so" ]; then
    echo "system-deps: libvulkan_lvp.so missing from the backports mesa-vulkan-drivers" >&2
    return 1
  fi
  cat >"$dir/lvp_icd.json" <<EOF
{ "file_format_version": "1.0.0", "ICD": { "library_path": "$lib/libvulkan_lvp.so", "api_version": "1.3.0" } }
EOF
  chmod 700 "$dir/xdg"
  cat >"$dir/env.sh" <<EOF
export VK_ICD_FILENAMES="$dir/lvp_icd.json"
export LD_LIBRARY_PATH="$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export XDG_RUNTIME_DIR="$dir/xdg"
EOF
  cat >"$dir/env.json" <<EOF
{ "VK_ICD_FILENAMES": "$dir/lvp_icd.json", "LD_LIBRARY_PATH": "$lib", "XDG_RUNTIME_DIR": "$dir/xdg" }
EOF
  # the checkout may belong to another user than root (CI runners, dev machines)
  chown -R --reference="$ROOT" "$ROOT/.cache" 2>/dev/null || true
  echo "system-deps: WebGPU driver ready ($(ls "$apt/debs" | tr '\n' ' '))"
}
# ------------------------------------------------------------ end of WebGPU

# ---------------------------------------------------------------------------
# gpu.js (@sym/backend-gpujs): mode `headlessgl` runs WebGL 1 through the
# native `gl` package on Mesa's llvmpipe. Its prebuilt binary download is
# unreachable, so `pnpm install` compiles it from source: it needs a C++
# toolchain, python3 and the X11/GL headers. Running it needs an X server:
# the package's tests start under `xvfb-run -a` when no DISPLAY is set.
# ---------------------------------------------------------------------------
gpujs_deps() {
  apt_install build-essential python3 pkg-config libx11-dev libxext-dev libxi-dev \
    libglu1-mesa-dev libglew-dev mesa-common-dev libgl1-mesa-dri xvfb xauth
  echo "system-deps: gpu.js headless-gl build deps and Xvfb ready"
}
# ------------------------------------------------------------- end of gpu.js

# ---------------------------------------------------------------------------
# Chromium (examples/web): the browser end-to-end test drives Debian's
# Chromium with playwright-core (never a downloaded browser): WebGPU and
# WebGL2 on its SwiftShader software adapters.
# ---------------------------------------------------------------------------
chromium_deps() {
  if [ -x /usr/bin/chromium ]; then
    echo "system-deps: Chromium already installed ($(/usr/bin/chromium --version 2>/dev/null || echo unknown version))"
    return 0
  fi
  # a font, so the screenshots show text where a bare image has none
  apt_install chromium fonts-dejavu-core
  echo "system-deps: Chromium ready ($(/usr/bin/chromium --version 2>/dev/null || echo unknown version))"
}
# ----------------------------------------------------------- end of Chromium

webgpu_deps
gpujs_deps
chromium_deps
