#!/usr/bin/env bash
# Builds the .deb with cargo-deb from [package.metadata.deb] in Cargo.toml.
#
#   packaging/build-deb.sh                 # release build (what is shipped), into target/debian/
#   packaging/build-deb.sh --debug OUTDIR  # packages the debug binary already built (CI's check)
#
# Needs cargo-deb (`cargo install cargo-deb --locked`) and dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deb --version >/dev/null 2>&1; then
  echo "需要 cargo-deb：cargo install cargo-deb --locked" >&2
  exit 2
fi

if [[ "${1:-}" == "--debug" ]]; then
  out="${2:?usage: build-deb.sh --debug OUTDIR}"
  mkdir -p "$out"
  if [[ ! -x target/debug/yanshou ]]; then
    cargo build --locked --bin yanshou
  fi
  # The debug binary is large: no stripping, fast compression; the package's layout is what
  # this checks.
  cargo deb --profile dev --no-build --no-strip --fast --output "$out"
else
  cargo deb --locked --output target/debian
fi
