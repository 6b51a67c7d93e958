#!/usr/bin/env bash
# Installs a .deb for real on a minimal Debian 11 (glibc 2.31, as old as UOS 20 and Kylin V10
# are) and runs it there: `apt-get install --no-install-recommends` (what an administrator's
# minimal image gets), the command-line cycle (--version, init, sample, list, export-pdf,
# verify) and the window for a few seconds on an Xvfb display, which must come up without a
# missing library. Also checks that the README's apt-get lines name packages Debian 11 has.
#
#   packaging/test-deb-in-chroot.sh target/debian/yanshou_*.deb
#
# Needs root, debootstrap and Xvfb (xvfb). The minimal chroot is made once with
# `debootstrap --variant=minbase` and kept in $YANSHOU_CHROOT_CACHE (default
# /var/cache/yanshou-ci), outside the clone, with the packages it downloaded; each run works
# on a copy of it. Prints "SKIPPED: …" and exits 0 only where a chroot cannot be made here
# (not root, no debootstrap, no mounts); exits non-zero on any failure.
set -euo pipefail

deb=$(realpath "${1:?usage: test-deb-in-chroot.sh PACKAGE.deb}")
here=$(cd "$(dirname "$0")/.." && pwd)
cache="${YANSHOU_CHROOT_CACHE:-/var/cache/yanshou-ci}"
suite=bullseye
mirror="${YANSHOU_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
base="$cache/$suite-minbase"

skip() {
  echo "SKIPPED: $*"
  exit 0
}
[[ $(id -u) == 0 ]] || skip "the chroot test needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (apt-get install debootstrap)"
command -v Xvfb >/dev/null || skip "Xvfb is not installed (apt-get install xvfb)"

# The cached minimal system, with its package lists.
if [[ ! -x "$base/usr/bin/apt-get" ]]; then
  mkdir -p "$cache"
  rm -rf "$base.tmp"
  echo "making the $suite chroot (debootstrap --variant=minbase, about a minute)…"
  debootstrap --variant=minbase "$suite" "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 20 "$cache/debootstrap.log" >&2; echo "debootstrap failed" >&2; exit 1; }
  mv "$base.tmp" "$base"
fi
mkdir -p "$cache/apt-archives/partial"

work=$(mktemp -d /tmp/yanshou-chroot.XXXXXX)
root="$work/root"
display=""
xvfb_pid=""
app=""
shown=""
mounted=()
cleanup() {
  set +e
  [[ -n "$app" ]] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null
  [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null; done
  # Never through a mount left behind (the host's /dev, the apt cache): one filesystem only.
  for m in "${mounted[@]}"; do
    if mountpoint -q "$m"; then
      echo "still mounted: $m; $work left in place" >&2
      return
    fi
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

cp -a "$base" "$root"
bind() { mount --bind "$1" "$root$2" && mounted+=("$root$2"); }
mkdir -p "$root/proc" "$root/dev" "$root/var/cache/apt/archives" "$root/tmp/.X11-unix"
# The X servers' sockets, shared with the chroot (Xvfb makes the folder when it is missing).
[[ -d /tmp/.X11-unix ]] || install -d -m 1777 /tmp/.X11-unix
mount -t proc proc "$root/proc" 2>/dev/null || skip "cannot mount /proc in a chroot here"
mounted+=("$root/proc")
bind /dev /dev
bind "$cache/apt-archives" /var/cache/apt/archives
bind /tmp/.X11-unix /tmp/.X11-unix
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$root/tmp/"
in_chroot() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "== glibc in the chroot: $(in_chroot ldd --version | head -n 1)"

echo "== apt-get install --no-install-recommends ./$(basename "$deb")"
install() {
  in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "/tmp/$(basename "$deb")" >"$work/apt.log" 2>&1
}
if ! install; then
  # The cached package lists may be stale (or missing): fetch them and try once more.
  in_chroot apt-get update -q >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; exit 1; }
  install || { tail -n 30 "$work/apt.log" >&2; echo "the .deb does not install" >&2; exit 1; }
fi
grep -E '^(Setting up|Unpacking) ' "$work/apt.log" | wc -l | xargs echo "packages set up:"

echo "== the command line"
in_chroot yanshou --version
in_chroot yanshou --db /tmp/t.db init
in_chroot yanshou --db /tmp/t.db sample >"$work/sample.out"
in_chroot yanshou --db /tmp/t.db list >"$work/list.out"
inspection=$(grep -o '[0-9a-f]\{8\}-[0-9a-f]\{4\}-7[0-9a-f]\{3\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}' "$work/list.out" | tail -n 1 || true)
[[ -n "$inspection" ]] || { cat "$work/list.out" >&2; echo "list shows no inspection" >&2; exit 1; }
in_chroot yanshou --db /tmp/t.db export-pdf --inspection "$inspection" --out /tmp/sheet.pdf
head -c 5 "$root/tmp/sheet.pdf" | grep -q '%PDF-' || { echo "export-pdf wrote no PDF" >&2; exit 1; }
echo "export-pdf: $(stat -c %s "$root/tmp/sheet.pdf") bytes"
in_chroot yanshou --db /tmp/t.db verify
echo "cli: ok"

echo "== the window on an Xvfb display"
# Xvfb picks a free display itself and writes its number (-displayfd): a lock left behind by
# a server that was killed is not taken for a display in use.
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 3>"$work/display" &
xvfb_pid=$!
for _ in $(seq 100); do [[ -s "$work/display" ]] && break; sleep 0.1; done
[[ -s "$work/display" ]] || { cat "$work/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
display=":$(tr -dc 0-9 <"$work/display")"
for _ in $(seq 50); do [[ -e "/tmp/.X11-unix/X${display#:}" ]] && break; sleep 0.1; done
chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 DISPLAY="$display" \
  XDG_RUNTIME_DIR=/tmp WINIT_UNIX_BACKEND=x11 LIBGL_ALWAYS_SOFTWARE=1 \
  yanshou --db /tmp/t.db >"$work/window.log" 2>&1 &
app=$!
sleep 8
if ! kill -0 "$app" 2>/dev/null; then
  wait "$app" || true
  cat "$work/window.log" >&2
  echo "the window did not stay up" >&2
  exit 1
fi
# The window is there, mapped on the display (xdotool, where installed, asks the X server).
if command -v xdotool >/dev/null; then
  DISPLAY="$display" xdotool search --onlyvisible --class yanshou >/dev/null \
    || { cat "$work/window.log" >&2; echo "no window of the app on the display" >&2; exit 1; }
  shown="shown on the display, "
fi
kill "$app"
wait "$app" 2>/dev/null || true
app=""
if grep -Ei "failed to load|EventLoopError|cannot open shared object|无法启动图形界面" "$work/window.log" >&2; then
  echo "the window reported a missing library" >&2
  exit 1
fi
echo "window: up for 8 s, ${shown:-}no library error"

echo "== the README's apt-get lines on Debian 11"
grep -o 'apt-get install -y [^&]*' "$here/README.md" | sed 's/apt-get install -y //' | tr ' ' '\n' \
  | grep -v '^$' | sort -u >"$work/readme-packages"
in_chroot apt-get install -s -q $(cat "$work/readme-packages") >"$work/readme.log" 2>&1 \
  || { tail -n 20 "$work/readme.log" >&2; echo "the README names packages Debian 11 lacks" >&2; exit 1; }
grep -q '^Inst gcc\b\|^Inst build-essential\b' "$work/readme.log" \
  || { echo "the README's commands install no C compiler" >&2; exit 1; }
echo "README: $(wc -l <"$work/readme-packages") packages, all in Debian 11, a C compiler among them"

echo "PASSED: the .deb installs and runs on Debian 11 (glibc 2.31)"
