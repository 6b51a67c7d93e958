//! The real window on a real X server (Xvfb), driven as a person would with xdotool: text
//! copied in another program (xclip) pastes into a field, and what is copied in the app
//! reaches the system clipboard. Needs Xvfb, xdotool and xclip (.ci/run installs them);
//! elsewhere it says it is skipped.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// An Xvfb display of its own, stopped when dropped.
struct Display {
    name: String,
    server: Child,
}

impl Display {
    fn start() -> Self {
        let free = (140..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .expect("a free display");
        let name = format!(":{free}");
        let server = Command::new("Xvfb")
            .args([&name, "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let socket = format!("/tmp/.X11-unix/X{free}");
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
        let _ = self.server.kill();
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
        let app = Command::new(env!("CARGO_BIN_EXE_yanshou"))
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
            let found = display.run("xdotool", &["search", "--class", "yanshou"]);
            let text = String::from_utf8_lossy(&found.stdout).into_owned();
            if let Some(id) = text.lines().next() {
                break id.trim().to_owned();
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no window");
            std::thread::sleep(Duration::from_millis(200));
        };
        // The window maps, draws its first frames and the first-run dialog takes the keyboard.
        std::thread::sleep(Duration::from_secs(3));
        // No window manager: focus it, or keys go nowhere.
        display.run("xdotool", &["windowfocus", "--sync", &id]);
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

fn clipboard(display: &Display) -> String {
    let out = display.run("xclip", &["-o", "-selection", "clipboard"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn text_copied_elsewhere_pastes_in_and_text_copied_in_the_app_comes_out() {
    let missing: Vec<&str> = ["Xvfb", "xdotool", "xclip"]
        .into_iter()
        .filter(|p| !installed(p))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have {missing:?} (.ci/run installs them)"
        );
        eprintln!("{missing:?} not installed here: skipped");
        return;
    }
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
    let start = Instant::now();
    let mut copied = clipboard(&display);
    while copied != "王海燕-abc" && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(300));
        copied = clipboard(&display);
    }
    assert_eq!(copied, "王海燕-abc");
    drop(window);
}
