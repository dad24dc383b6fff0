#!/usr/bin/env bash
# Installs what Fieldbook's build and tests need, skipping whatever is already there.
# Sourced by scripts/start.sh and scripts/test.sh:  install_build_tools; install_test_tools
# Everything comes from the package registries (crates.io, npm, Debian): nothing is downloaded
# from anywhere else, because nothing else is reachable on our machines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"   # trunk 0.22 needs rustc 1.96.1
S3S_FS_VERSION="0.14.1"   # the S3-compatible server the photo tests also run against
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
skip() { printf '    %s (already installed)\n' "$*"; }

# A clean build of everything the tests need takes several GB in target/; a full disk shows up
# late and obscurely (a linker crash), so say it at the start.
check_disk() {
  local need_gb="${1:-8}" free_kb
  free_kb=$(df -Pk "$ROOT" | awk 'NR == 2 { print $4 }')
  if [ "$free_kb" -lt $((need_gb * 1024 * 1024)) ]; then
    printf '\033[1;33mwarning: only %s MB free on the disk of %s; a clean build needs about %s GB (target/).\033[0m\n' \
      "$((free_kb / 1024))" "$ROOT" "$need_gb" >&2
  fi
}

apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    skip "Debian packages: $*"
    return
  fi
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
}

wasm_bindgen_version() {
  # The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

install_build_tools() {
  step "Rust target wasm32-unknown-unknown"
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    skip "wasm32-unknown-unknown"
  else
    rustup target add wasm32-unknown-unknown
  fi

  step "Trunk $TRUNK_VERSION (first install builds from crates.io: ~12 min)"
  if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
    skip "trunk $TRUNK_VERSION"
  else
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi

  local wbg
  wbg="$(wasm_bindgen_version)"
  step "wasm-bindgen CLI $wbg (first install: ~2 min)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg" ]; then
    skip "wasm-bindgen $wbg"
  else
    # Not --locked: its own lock file pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$wbg"
  fi

  step "Node tools: binaryen (wasm-opt 132), playwright-core"
  if [ -x "$ROOT/node_modules/.bin/wasm-opt" ] && [ -d "$ROOT/node_modules/playwright-core" ] &&
     [ "$ROOT/node_modules/.package-lock.json" -nt "$ROOT/package-lock.json" ]; then
    skip "node_modules"
  else
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

install_test_tools() {
  step "Chromium, ChromeDriver and CJK fonts (Debian) for in-browser and end-to-end tests"
  apt_install chromium chromium-driver fonts-noto-cjk
}

install_server_test_tools() {
  step "PostgreSQL (Debian) for the server tests against PostgreSQL"
  apt_install postgresql

  step "s3s-fs $S3S_FS_VERSION, an S3-compatible server for the photo tests (first install: ~5 min)"
  if s3s-fs --version 2>/dev/null | grep -q "$S3S_FS_VERSION"; then
    skip "s3s-fs $S3S_FS_VERSION"
  else
    cargo install s3s-fs --version "$S3S_FS_VERSION" --features binary --locked
  fi
}
