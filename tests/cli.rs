//! The command line as people use it in a terminal and in pipes: only what was asked for on
//! stdout, warnings only on stderr (no colour when it is not a terminal, no migration talk on
//! a file that is up to date), a closed pipe ends the program quietly.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::io::Read as _;
use std::process::{Command, Stdio};

fn yanshou() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yanshou"));
    command.env_remove("RUST_LOG");
    command
}

fn sample_file(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("示例.db");
    let out = yanshou()
        .arg("--db")
        .arg(&db)
        .arg("sample")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

#[test]
fn list_prints_only_the_listing_and_nothing_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_file(dir.path());
    let out = yanshou().arg("--db").arg(&db).arg("list").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("小区（4 个）\n"), "{stdout}");
    assert!(stdout.contains("验收记录（3 条）"), "{stdout}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "stderr stays quiet"
    );

    // -v says more, but an up-to-date file is not upgraded, so there is nothing to say of it.
    let out = yanshou()
        .arg("-v")
        .arg("--db")
        .arg(&db)
        .arg("list")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("migrat") && !stderr.contains("upgraded"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour codes in a pipe: {stderr:?}"
    );
}

#[test]
fn an_upgrade_is_logged_once_per_step_with_v_and_not_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("旧.db");
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        yanshou::store::migrate_to(&mut conn, 10).unwrap();
    }
    let out = yanshou()
        .arg("-v")
        .arg("--db")
        .arg(&db)
        .arg("identity")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let steps: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("upgraded the database file"))
        .collect();
    assert_eq!(
        steps.len(),
        3,
        "versions 11, 12 and 13 once each:\n{stderr}"
    );
    for version in 11..=13 {
        assert!(
            steps
                .iter()
                .any(|l| l.contains(&format!("version={version}"))),
            "{stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // More listing than a pipe holds (64 KiB), so the program is still writing when the
    // reader goes away.
    let db = dir.path().join("名册.db");
    let mut register = String::from("小区名称,所属乡镇,户数\n");
    for n in 0..3000 {
        register.push_str(&format!("管道测试第{n}号小区,城关镇,10\n"));
    }
    let csv = dir.path().join("名册.csv");
    std::fs::write(&csv, register).unwrap();
    let out = yanshou()
        .arg("--db")
        .arg(&db)
        .arg("import-register")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = yanshou()
        .arg("--db")
        .arg(&db)
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -c 1`: read one byte, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}
