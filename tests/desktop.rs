//! The real window on a real X server (Xvfb), driven as a person would with xdotool: text
//! copied in another program (xclip) pastes into a field, and what is copied in the app
//! reaches the system clipboard; pinyin typed through a real input method (ibus with
//! libpinyin, as on UOS and Kylin) arrives as Chinese characters. Needs Xvfb, xdotool, xclip,
//! ibus, ibus-libpinyin and dbus-x11 (.ci/run installs them); elsewhere each says it is
//! skipped.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One real window at a time: the tests would otherwise race for the same free display and
/// share the machine's two cores with each other's software rendering.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The programs of `programs` that are not installed.
fn missing<'a>(programs: &[&'a str]) -> Vec<&'a str> {
    programs.iter().copied().filter(|p| !installed(p)).collect()
}

/// Whether nothing is `absent`; CI must have everything (.ci/run installs it), elsewhere the
/// test says it is skipped.
fn all_here(absent: Vec<&str>) -> bool {
    if absent.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have {absent:?} (.ci/run installs them)"
    );
    eprintln!("{absent:?} not installed here: skipped");
    false
}

/// An Xvfb display of its own, stopped when dropped.
struct Display {
    name: String,
    server: Child,
}

impl Display {
    fn start() -> Self {
        // Xvfb picks a free display itself and says which (`-displayfd`): two tests at once
        // never take the same one, and a lock left by a server that was killed is not taken
        // for a display in use.
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1366x768x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.stdout.take().expect("Xvfb's stdout")),
            &mut line,
        )
        .unwrap();
        let number: u32 = line.trim().parse().expect("Xvfb says its display");
        let name = format!(":{number}");
        let socket = format!("/tmp/.X11-unix/X{number}");
        let start = Instant::now();
        while !Path::new(&socket).exists() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "Xvfb did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { name, server }
    }

    fn run(&self, program: &str, args: &[&str]) -> std::process::Output {
        Command::new(program)
            .args(args)
            .env("DISPLAY", &self.name)
            .output()
            .unwrap()
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // Asked to stop, Xvfb removes its lock and socket (killed, it leaves them behind).
        let stopped = Command::new("kill")
            .arg(self.server.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.server.kill();
        }
        let _ = self.server.wait();
    }
}

/// The app's window on `display`, started on a new database with a first run's settings.
struct Window {
    app: Child,
    id: String,
}

impl Window {
    fn start(display: &Display, dir: &Path) -> Self {
        Self::start_with(display, dir, &[])
    }

    /// Started with `env` added (an input method's variables).
    fn start_with(display: &Display, dir: &Path, env: &[(String, String)]) -> Self {
        let app = Command::new(env!("CARGO_BIN_EXE_yanshou"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .arg("--db")
            .arg(dir.join("desktop.db"))
            .env("DISPLAY", &display.name)
            .env("HOME", dir)
            .env("XDG_RUNTIME_DIR", dir)
            .env("YANSHOU_SETTINGS", dir.join("settings.toml"))
            .env("WINIT_UNIX_BACKEND", "x11")
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let id = loop {
            let found = display.run(
                "xdotool",
                &["search", "--onlyvisible", "--class", "yanshou"],
            );
            let text = String::from_utf8_lossy(&found.stdout).into_owned();
            if let Some(id) = text.lines().next() {
                break id.trim().to_owned();
            }
            assert!(start.elapsed() < Duration::from_secs(60), "no window");
            std::thread::sleep(Duration::from_millis(200));
        };
        // The window draws its first frames and the first-run dialog takes the keyboard.
        std::thread::sleep(Duration::from_secs(3));
        // No window manager: focus it, or keys go nowhere (and wait for the focus to land,
        // within bounds: `--sync` alone can wait for ever).
        let start = Instant::now();
        loop {
            display.run("timeout", &["5", "xdotool", "windowfocus", &id]);
            let focused = display.run("xdotool", &["getwindowfocus"]);
            if String::from_utf8_lossy(&focused.stdout).trim() == id {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the window takes no focus"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        std::thread::sleep(Duration::from_millis(500));
        Self { app, id }
    }

    fn keys(&self, display: &Display, keys: &[&str]) {
        for key in keys {
            display.run("xdotool", &["key", "--window", &self.id, key]);
            std::thread::sleep(Duration::from_millis(400));
        }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.app.kill();
        let _ = self.app.wait();
    }
}

/// A session bus and ibus with its libpinyin engine on `display`, as the recipe in
/// shared/recipes/ime-under-xvfb.md starts them; every process they started is ended when
/// dropped (they leave their parents, so they are found by the display in their environment).
struct InputMethod {
    display: String,
    env: Vec<(String, String)>,
}

impl InputMethod {
    fn start(display: &Display, home: &Path) -> Self {
        let bus = Command::new("dbus-launch")
            .arg("--sh-syntax")
            .env("DISPLAY", &display.name)
            .env("HOME", home)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&bus.stdout).into_owned();
        let address = text
            .lines()
            .find_map(|l| l.strip_prefix("DBUS_SESSION_BUS_ADDRESS='"))
            .and_then(|l| l.split('\'').next())
            .expect("a session bus")
            .to_owned();
        let env = vec![
            ("DISPLAY".to_owned(), display.name.clone()),
            ("HOME".to_owned(), home.display().to_string()),
            ("DBUS_SESSION_BUS_ADDRESS".to_owned(), address),
            ("LANG".to_owned(), "C.UTF-8".to_owned()),
            ("LC_ALL".to_owned(), "C.UTF-8".to_owned()),
        ];
        // The guard first: whatever happens below, what the bus started is ended.
        let mut this = Self {
            display: display.name.clone(),
            env,
        };
        let run = |args: &[&str], env: &[(String, String)]| {
            Command::new(args[0])
                .args(&args[1..])
                .envs(env.iter().map(|(k, v)| (k, v)))
                .output()
                .unwrap()
        };
        // On a loaded machine the daemon now and then never comes up: it is ended and started
        // again, up to three times.
        let mut started = false;
        for _ in 0..3 {
            run(&["ibus-daemon", "-drx"], &this.env);
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(45) {
                std::thread::sleep(Duration::from_secs(1));
                // Exits 1 and prints nothing, yet sets the engine.
                run(&["ibus", "engine", "libpinyin"], &this.env);
                let engine = run(&["ibus", "engine"], &this.env);
                if String::from_utf8_lossy(&engine.stdout).trim() == "libpinyin" {
                    started = true;
                    break;
                }
            }
            if started {
                break;
            }
            end_processes_of(&this.display);
        }
        assert!(started, "ibus did not start (three tries of 45 s)");
        // A window connects to the input method when it is made: ibus-x11 must have
        // announced its XIM server on the display first (else the window gets none, and the
        // keys arrive as plain letters).
        let start = Instant::now();
        loop {
            let servers = run(&["xprop", "-root", "XIM_SERVERS"], &this.env);
            if String::from_utf8_lossy(&servers.stdout).contains("@server=ibus") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "ibus announced no XIM server"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        this.env.extend([
            ("GTK_IM_MODULE".to_owned(), "ibus".to_owned()),
            ("QT_IM_MODULE".to_owned(), "ibus".to_owned()),
            ("XMODIFIERS".to_owned(), "@im=ibus".to_owned()),
        ]);
        this
    }
}

impl Drop for InputMethod {
    fn drop(&mut self) {
        end_processes_of(&self.display);
    }
}

/// Ends every process started for `display` (the bus, ibus and its helpers), but its X server.
fn end_processes_of(display: &str) {
    let ours = format!("DISPLAY={display}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let mine = environ.split(|b| *b == 0).any(|v| v == ours.as_bytes());
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        // The X server goes with the display's own guard.
        if mine && comm.trim() != "Xvfb" {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// The clipboard's text once it is `want`, or what it holds after 30 s.
fn clipboard_becomes(display: &Display, want: &str) -> String {
    let start = Instant::now();
    let mut text = clipboard(display);
    while text != want && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(300));
        text = clipboard(display);
    }
    text
}

fn clipboard(display: &Display) -> String {
    let out = display.run("xclip", &["-o", "-selection", "clipboard"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn text_copied_elsewhere_pastes_in_and_text_copied_in_the_app_comes_out() {
    if !all_here(missing(&["Xvfb", "xdotool", "xclip"])) {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let display = Display::start();

    // Another program (xclip, as WPS or a browser would) owns the clipboard with a name.
    let mut owner = Command::new("xclip")
        // Served a few times (this test's own check is one), then it exits; or when the app
        // takes the clipboard over.
        .args(["-selection", "clipboard", "-loops", "5"])
        .env("DISPLAY", &display.name)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut input = owner.stdin.take().unwrap();
        input.write_all("王海燕".as_bytes()).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(clipboard(&display), "王海燕", "xclip holds the text");

    let window = Window::start(&display, dir.path());
    // Into the first-run dialog's name field (it has the keyboard): paste, type, select all,
    // copy.
    window.keys(&display, &["ctrl+v"]);
    display.run(
        "xdotool",
        &[
            "type", "--window", &window.id, "--delay", "80", "--", "-abc",
        ],
    );
    std::thread::sleep(Duration::from_millis(500));
    window.keys(&display, &["ctrl+a", "ctrl+c"]);
    let _ = owner.kill();
    let _ = owner.wait();

    // The app owns the clipboard now, with the field's whole text: the paste came in, and
    // the copy went out.
    assert_eq!(clipboard_becomes(&display, "王海燕-abc"), "王海燕-abc");
    drop(window);
}

#[test]
fn pinyin_typed_through_ibus_arrives_as_chinese() {
    let mut absent = missing(&[
        "Xvfb",
        "xdotool",
        "xclip",
        "xprop",
        "ibus-daemon",
        "dbus-launch",
    ]);
    if !Path::new("/usr/share/ibus/component/libpinyin.xml").exists() {
        absent.push("ibus-libpinyin");
    }
    if !all_here(absent) {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let display = Display::start();
    let input = InputMethod::start(&display, &home);
    let window = Window::start_with(&display, dir.path(), &input.env);
    // Into the first-run dialog's name field: pinyin, then space commits the first candidate.
    display.run(
        "xdotool",
        &[
            "type",
            "--window",
            &window.id,
            "--delay",
            "120",
            "chengguan",
        ],
    );
    std::thread::sleep(Duration::from_millis(1500));
    window.keys(&display, &["space"]);
    std::thread::sleep(Duration::from_millis(1000));
    window.keys(&display, &["ctrl+a", "ctrl+c"]);
    assert_eq!(
        clipboard_becomes(&display, "城关"),
        "城关",
        "the committed text, not the pinyin"
    );
    drop(window);
    drop(input);
}
