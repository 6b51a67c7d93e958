#!/usr/bin/env bash
# Builds the .deb with cargo-deb from [package.metadata.deb] in Cargo.toml.
#
#   packaging/build-deb.sh                        # what is shipped: the release binary built
#                                                 # against glibc 2.28, into target/debian/
#   packaging/build-deb.sh --compat-debug OUTDIR  # the same, from a debug build (the chroot test)
#   packaging/build-deb.sh --debug OUTDIR         # packages the host's debug binary as it is
#                                                 # (the layout check in tests/packaging.rs)
#
# The glibc-2.28 builds need cargo-zigbuild and zig (packaging/install-build-tools.sh); every
# mode needs cargo-deb and binutils (objdump).
# UOS 20 and Kylin V10 ship glibc 2.28–2.31: a binary that asks for a newer symbol version
# installs there and never starts, so the build is refused if one slips in.
set -euo pipefail
cd "$(dirname "$0")/.."

# This machine's target, and the oldest glibc the binary may ask for there: 2.28 on x86-64
# and arm64 (UOS 20, Kylin V10); loongarch64 exists in glibc from 2.36 on.
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
case "$TRIPLE" in
  loongarch64-*) GLIBC_FLOOR=2.36 ;;
  *) GLIBC_FLOOR=2.28 ;;
esac

if ! cargo deb --version >/dev/null 2>&1; then
  echo "需要 cargo-deb：packaging/install-build-tools.sh" >&2
  exit 2
fi

# zig from the `ziglang` Python package, where pip put it.
find_zig() {
  command -v zig >/dev/null 2>&1 && return 0
  local dir
  for python in "${HOME}/.cache/yanshou-build/venv/bin/python3" python3; do
    dir=$("$python" -c 'import ziglang, os; print(os.path.dirname(ziglang.__file__))' 2>/dev/null) \
      && [[ -x "$dir/zig" ]] && export PATH="$dir:$PATH" && return 0
  done
  echo "需要 zig：packaging/install-build-tools.sh" >&2
  exit 2
}

# Refuses a binary that needs a glibc newer than the floor.
check_glibc() {
  local binary=$1 newest
  newest=$(objdump -T "$binary" | { grep -o 'GLIBC_[0-9][0-9.]*' || true; } | sed 's/GLIBC_//' | sort -V | tail -n 1)
  [[ -n "$newest" ]] || { echo "错误：$binary 中读不到 glibc 的符号版本" >&2; exit 1; }
  if [[ "$(printf '%s\n%s\n' "$GLIBC_FLOOR" "$newest" | sort -V | tail -n 1)" != "$GLIBC_FLOOR" ]]; then
    echo "错误：$binary 需要 GLIBC_$newest，高于 $GLIBC_FLOOR（统信 UOS 20、麒麟 V10 上无法运行）" >&2
    exit 1
  fi
  echo "glibc: $binary needs at most GLIBC_$newest (floor $GLIBC_FLOOR)"
}

# cargo-zigbuild for the glibc floor, then cargo-deb on what it built.
compat_build() {
  local profile=$1 out=$2 dir
  find_zig
  if ! cargo-zigbuild --version >/dev/null 2>&1; then
    echo "需要 cargo-zigbuild：packaging/install-build-tools.sh" >&2
    exit 2
  fi
  # Its own target folder: the host's builds (and a `cargo test` running this) keep theirs.
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/glibc-$GLIBC_FLOOR"
  cargo zigbuild --locked --bin yanshou --profile "$profile" --target "$TRIPLE.$GLIBC_FLOOR"
  dir=$([[ "$profile" == dev ]] && echo debug || echo "$profile")
  check_glibc "$CARGO_TARGET_DIR/$TRIPLE/$dir/yanshou"
  mkdir -p "$out"
  local extra=(--output "$out")
  [[ "$profile" == dev ]] && extra+=(--no-strip --fast)
  cargo deb --profile "$profile" --target "$TRIPLE" --no-build "${extra[@]}"
}

case "${1:-}" in
  --debug)
    out="${2:?usage: build-deb.sh --debug OUTDIR}"
    mkdir -p "$out"
    if [[ ! -x target/debug/yanshou ]]; then
      cargo build --locked --bin yanshou
    fi
    # The debug binary is large: no stripping, fast compression; the package's layout is what
    # this checks.
    cargo deb --profile dev --no-build --no-strip --fast --output "$out"
    ;;
  --compat-debug)
    compat_build dev "${2:?usage: build-deb.sh --compat-debug OUTDIR}"
    ;;
  "")
    compat_build release target/debian
    ;;
  *)
    echo "usage: build-deb.sh [--debug OUTDIR | --compat-debug OUTDIR]" >&2
    exit 2
    ;;
esac
