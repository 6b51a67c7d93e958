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
    let deb = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a .deb");
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
    for lib in ["libgl1", "libegl1", "libx11-6", "libxkbcommon-x11-0"] {
        assert!(depends.contains(lib), "{depends}");
    }
    assert!(
        field("Description")
            .unwrap()
            .contains("洛宁县城镇老旧小区改造验收")
    );

    let contents = dpkg_deb(&["--contents"], &deb);
    let mut expected = vec![
        "./usr/bin/yanshou".to_owned(),
        "./usr/share/applications/yanshou.desktop".to_owned(),
        "./usr/share/mime/packages/yanshou.xml".to_owned(),
        "./usr/share/icons/hicolor/scalable/apps/yanshou.svg".to_owned(),
        "./usr/share/doc/yanshou/copyright".to_owned(),
        "./usr/share/doc/yanshou/LICENSE-wqy-microhei.txt".to_owned(),
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
    assert!(desktop.lines().any(|l| l.starts_with("Comment=洛宁县")));
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
