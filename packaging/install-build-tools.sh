#!/usr/bin/env bash
# Installs what packaging/build-deb.sh and the packaging tests need beyond Debian's packages
# (the README's test command and .ci/run call this): cargo-deb and cargo-zigbuild from
# crates.io, zig from the `ziglang` package on PyPI (into a virtual environment under
# ~/.cache/yanshou-build when the system's Python refuses `pip install`, as Debian 12's does).
# Each is skipped when already there.
set -euo pipefail

if ! cargo deb --version >/dev/null 2>&1; then
  cargo install cargo-deb --locked --version 3.8.0
fi
if ! cargo-zigbuild --version >/dev/null 2>&1; then
  cargo install cargo-zigbuild --locked --version 0.24.1
fi

ZIG_VERSION=0.13.0
has_zig() {
  "$1" -c "import ziglang, sys; import importlib.metadata as m; sys.exit(m.version('ziglang') != '$ZIG_VERSION')" 2>/dev/null
}
venv="${HOME}/.cache/yanshou-build/venv"
if ! has_zig python3 && ! has_zig "$venv/bin/python3"; then
  if ! python3 -m pip install --quiet "ziglang==$ZIG_VERSION" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet "ziglang==$ZIG_VERSION"
  fi
fi
echo "build tools: $(cargo deb --version), $(cargo-zigbuild --version | head -n 1), zig $ZIG_VERSION"
