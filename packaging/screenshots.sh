#!/bin/sh
# The README's screenshots, taken from the real window under Xvfb on the sample data set.
#
#   packaging/screenshots.sh [path/to/yanshou]     (default: target/release/yanshou)
#
# Needs xvfb, xdotool and imagemagick (`import`). Writes docs/screenshots/*.png: each screen at
# 1366×768 (an office PC), and the checklist at 1024×600 (a small laptop) too.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-"$here/target/release/yanshou"}
out="$here/docs/screenshots"
[ -x "$exe" ] || { echo "no program at $exe: build it first (cargo build --release)" >&2; exit 1; }
for tool in Xvfb xdotool import; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
# A user who has filled in the first-run questions, so no dialog covers the screen.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$XDG_CONFIG_HOME/yanshou"
cat > "$XDG_CONFIG_HOME/yanshou/settings.toml" <<'TOML'
user_name = "王海燕"
unit = "洛宁县住房和城乡建设局"
role = "inspector"
default_town = "城关镇"
text_scale = 1.0
TOML
db="$work/示例.db"
"$exe" --db "$db" sample >/dev/null
mkdir -p "$out"

shot() { # name screen width height
    display=:$((90 + $(od -An -N1 -tu1 /dev/urandom | tr -d ' ') % 100))
    Xvfb "$display" -screen 0 "$3x$4x24" -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    sleep 1
    DISPLAY=$display "$exe" --db "$db" --show "$2" >/dev/null 2>&1 &
    app=$!
    # No window manager: the window is made to fill the screen, as a maximised one would.
    window=$(DISPLAY=$display timeout 30 xdotool search --sync --onlyvisible --class yanshou | head -1)
    DISPLAY=$display xdotool windowmove "$window" 0 0 windowsize "$window" "$3" "$4"
    sleep 4
    DISPLAY=$display import -window root "$out/$1.png"
    kill "$app" "$xvfb" 2>/dev/null || true
    wait "$app" "$xvfb" 2>/dev/null || true
    echo "docs/screenshots/$1.png ($3×$4)"
}

shot register register 1366 768
shot compound compound 1366 768
shot checklist checklist 1366 768
shot progress progress 1366 768
shot rhythm rhythm 1366 768
shot checklist-1024x600 checklist 1024 600
