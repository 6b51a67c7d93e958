//! The .deb: built by packaging/build-deb.sh from the debug binary (the release build is too
//! slow for every CI run), its control fields and file list read back with dpkg-deb; and the
//! file a double-click passes (a field package) opens in the window.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser as _;
use yanshou::cli::Cli;

fn cargo_deb_installed() -> bool {
    Command::new("cargo")
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The .deb build-deb.sh wrote into `dir`.
fn the_deb_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a .deb")
}

fn dpkg_deb(args: &[&str], deb: &Path) -> String {
    let out = Command::new("dpkg-deb")
        .args(args)
        .arg(deb)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_deb_holds_the_binary_the_menu_entry_icons_mime_type_and_licences() {
    if !cargo_deb_installed() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have cargo-deb (.ci/run installs it)"
        );
        eprintln!("cargo-deb is not installed here: skipped");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(root.join("packaging/build-deb.sh"))
        .arg("--debug")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let deb = the_deb_in(out.path());
    let field = |name: &str| {
        dpkg_deb(&["--field"], &deb.clone())
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
    };
    assert_eq!(field("Package").as_deref(), Some("yanshou"));
    assert_eq!(
        field("Version").as_deref(),
        Some(&*format!("{}-1", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(field("Architecture").as_deref(), Some("amd64"));
    assert_eq!(field("Section").as_deref(), Some("utils"));
    let depends = field("Depends").unwrap();
    // What winit and glutin load at run time, and the glibc floor.
    for lib in [
        "libc6 (>= 2.28)",
        "libgl1",
        "libegl1",
        "libx11-6",
        "libx11-xcb1",
        "libxcursor1",
        "libxi6",
        "libxkbcommon-x11-0",
        "libwayland-client0",
    ] {
        assert!(depends.contains(lib), "{lib} missing from {depends}");
    }
    assert!(
        field("Maintainer").is_some_and(|m| m.contains(" <") && m.ends_with('>')),
        "a maintainer with an address"
    );
    assert!(
        field("Description")
            .unwrap()
            .contains("城镇老旧小区改造调查与验收")
    );

    let contents = dpkg_deb(&["--contents"], &deb);
    let mut expected = vec![
        "./usr/bin/yanshou".to_owned(),
        "./usr/share/applications/yanshou.desktop".to_owned(),
        "./usr/share/mime/packages/yanshou.xml".to_owned(),
        "./usr/share/icons/hicolor/scalable/apps/yanshou.svg".to_owned(),
        "./usr/share/doc/yanshou/copyright".to_owned(),
        "./usr/share/doc/yanshou/LICENSE-wqy-microhei.txt".to_owned(),
        "./usr/share/doc/yanshou/changelog.Debian.gz".to_owned(),
        "./usr/share/lintian/overrides/yanshou".to_owned(),
    ];
    for size in [16, 22, 24, 32, 48, 64, 128, 256, 512] {
        expected.push(format!(
            "./usr/share/icons/hicolor/{size}x{size}/apps/yanshou.png"
        ));
    }
    for path in &expected {
        assert!(
            contents.lines().any(|l| l.ends_with(path.as_str())),
            "{path} missing from\n{contents}"
        );
    }
    assert!(
        contents
            .lines()
            .any(|l| l.starts_with("-rwxr-xr-x") && l.ends_with("./usr/bin/yanshou"))
    );

    // The menu entry and the file association, unpacked.
    let unpacked = out.path().join("root");
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(status.success());
    let desktop =
        std::fs::read_to_string(unpacked.join("usr/share/applications/yanshou.desktop")).unwrap();
    for line in [
        "Name=验收",
        "Exec=yanshou %f",
        "Icon=yanshou",
        "MimeType=application/x-yanshou-package;",
    ] {
        assert!(
            desktop.lines().any(|l| l == line),
            "{line} missing from\n{desktop}"
        );
    }
    assert!(
        desktop
            .lines()
            .any(|l| l.starts_with("Comment=城镇老旧小区改造调查与验收"))
    );
    let validate = Command::new("desktop-file-validate")
        .arg(unpacked.join("usr/share/applications/yanshou.desktop"))
        .output();
    match validate {
        Ok(out) => assert!(
            out.status.success() && out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => assert!(
            std::env::var_os("CI").is_none(),
            "CI must have desktop-file-validate (.ci/run installs it)"
        ),
    }
    let mime =
        std::fs::read_to_string(unpacked.join("usr/share/mime/packages/yanshou.xml")).unwrap();
    assert!(
        mime.contains(r#"type="application/x-yanshou-package""#)
            && mime.contains(r#"pattern="*.yspkg""#)
    );
    let png =
        std::fs::read(unpacked.join("usr/share/icons/hicolor/48x48/apps/yanshou.png")).unwrap();
    let icon = image::load_from_memory(&png).unwrap();
    assert_eq!((icon.width(), icon.height()), (48, 48));
}

#[test]
fn a_double_clicked_package_opens_the_default_database_and_is_imported() {
    let cli = Cli::try_parse_from(["yanshou", "/home/wang/下载/城关镇-20261129.yspkg"]).unwrap();
    let (db, package) = cli.window_files();
    assert_eq!(db, yanshou::cli::default_db_path());
    assert_eq!(
        package,
        Some(PathBuf::from("/home/wang/下载/城关镇-20261129.yspkg"))
    );
    let cli = Cli::try_parse_from(["yanshou", "备份.db"]).unwrap();
    assert_eq!(cli.window_files(), (PathBuf::from("备份.db"), None));
    let cli = Cli::try_parse_from(["yanshou", "--db", "a.db", "b.YSPKG"]).unwrap();
    assert_eq!(
        cli.window_files(),
        (PathBuf::from("a.db"), Some(PathBuf::from("b.YSPKG")))
    );
    // Subcommands still parse.
    assert!(
        Cli::try_parse_from(["yanshou", "--db", "a.db", "list"])
            .unwrap()
            .command
            .is_some()
    );
}

/// Whether the tools for the glibc-2.28 build and the chroot are here (.ci/run installs them).
fn compat_tools_missing() -> Option<&'static str> {
    let runs = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !cargo_deb_installed() {
        return Some("cargo-deb");
    }
    if !runs("cargo-zigbuild", &["--version"]) {
        return Some("cargo-zigbuild");
    }
    for (program, args) in [
        ("lintian", &["--version"][..]),
        ("objdump", &["--version"][..]),
    ] {
        if !runs(program, args) {
            return Some(program);
        }
    }
    None
}

/// The .deb as shipped (a binary built against glibc 2.28, from the debug profile here to
/// keep CI in time) installed with `--no-install-recommends` on a minimal Debian 11 chroot:
/// the command line's cycle and the window run there (packaging/test-deb-in-chroot.sh), and
/// lintian finds no error.
#[test]
fn the_deb_installs_and_runs_on_a_minimal_debian_11() {
    if let Some(missing) = compat_tools_missing() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have {missing} (.ci/run installs it)"
        );
        eprintln!("{missing} is not installed here: skipped (packaging/install-build-tools.sh)");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let build = Command::new(root.join("packaging/build-deb.sh"))
        .arg("--compat-debug")
        .arg(out.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&build.stdout);
    assert!(
        build.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(said.contains("needs at most GLIBC_2."), "{said}");
    let deb = the_deb_in(out.path());

    let lintian = Command::new("lintian")
        .args([
            "--fail-on",
            "error",
            "--suppress-tags",
            "unstripped-binary-or-object",
        ])
        .arg(&deb)
        .output()
        .unwrap();
    let findings = String::from_utf8_lossy(&lintian.stdout);
    assert!(
        lintian.status.success() && !findings.lines().any(|l| l.starts_with("E: ")),
        "lintian:\n{findings}{}",
        String::from_utf8_lossy(&lintian.stderr)
    );

    let run = Command::new(root.join("packaging/test-deb-in-chroot.sh"))
        .arg(&deb)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    let errors = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{said}\n{errors}");
    if let Some(line) = said.lines().find(|l| l.starts_with("SKIPPED")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root with debootstrap: {line}"
        );
        eprintln!("{line}");
        return;
    }
    for expected in [
        "glibc in the chroot: ldd (Debian GLIBC 2.31",
        "yanshou 0.1.0",
        "cli: ok",
        "window: up for 8 s, shown on the display, no library error",
        "a C compiler among them",
        "PASSED",
    ] {
        assert!(
            said.contains(expected),
            "{expected} not in\n{said}\n{errors}"
        );
    }
}
