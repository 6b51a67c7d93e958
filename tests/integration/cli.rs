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

/// `yanshou --db DB ARGS…`, run to its end.
fn on(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    yanshou().arg("--db").arg(db).args(args).output().unwrap()
}

/// The run's stdout, once it is known to have succeeded.
fn succeeded(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sample_file(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("示例.db");
    succeeded(on(&db, &["sample"]));
    db
}

#[test]
fn list_prints_only_the_listing_and_nothing_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_file(dir.path());
    let out = on(&db, &["list"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(stdout.starts_with("小区（4 个）\n"), "{stdout}");
    assert!(stdout.contains("验收记录（3 条）"), "{stdout}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "stderr stays quiet"
    );

    // -v says more, but an up-to-date file is not upgraded, so there is nothing to say of it.
    let out = on(&db, &["-v", "list"]);
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
    let out = on(&db, &["-v", "identity"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = yanshou::store::SCHEMA_VERSION;
    let steps: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("upgraded the database file"))
        .collect();
    assert_eq!(
        steps.len(),
        last as usize - 10,
        "versions 11 to {last} once each:\n{stderr}"
    );
    for version in 11..=last {
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
    succeeded(on(&db, &["import-register", csv.to_str().unwrap()]));
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

/// An export never replaces a database: the open file, its `-wal`, another SQLite file; an
/// ordinary file is replaced as asked.
#[test]
fn no_export_is_written_over_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_file(dir.path());
    let listing = succeeded(on(&db, &["list"]));
    let inspection = listing
        .lines()
        .skip_while(|l| !l.starts_with("验收记录"))
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let before = std::fs::read(&db).unwrap();
    let other = dir.path().join("别的.db");
    std::fs::copy(&db, &other).unwrap();
    let wal = dir.path().join("示例.db-wal");
    // A file of real work (the sample's makes no packages), for the package's exports.
    let plain = dir.path().join("正式.db");
    succeeded(on(&plain, &["init"]));
    let plain_before = std::fs::read(&plain).unwrap();
    for (from, args, out) in [
        (
            &db,
            vec!["export-pdf", "--inspection", &inspection, "--out"],
            &db,
        ),
        (
            &db,
            vec!["export-pdf", "--inspection", &inspection, "--out"],
            &other,
        ),
        (&db, vec!["export-ledger", "--out"], &db),
        (&plain, vec!["export-package", "--out"], &plain),
        (&plain, vec!["export-package", "--out"], &db),
        (&plain, vec!["export-package", "--out"], &wal),
    ] {
        let run = on(from, &[args.as_slice(), &[out.to_str().unwrap()]].concat());
        let said = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{args:?} {}", out.display());
        assert!(said.contains("导出不能覆盖它"), "{args:?}: {said}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(std::fs::read(&other).unwrap(), before);
    assert_eq!(std::fs::read(&plain).unwrap(), plain_before);
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);

    // An ordinary file of that name is replaced.
    let pdf = dir.path().join("验收单.pdf");
    std::fs::write(&pdf, "旧内容").unwrap();
    succeeded(on(
        &db,
        &[
            "export-pdf",
            "--inspection",
            &inspection,
            "--out",
            pdf.to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

/// `yanshou --db DB ARGS…` with `input` on stdin.
fn on_with_input(db: &std::path::Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = yanshou()
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// An office file (县办) and a laptop's (外业甲) in `dir`, with what the laptop's `identity`
/// printed.
fn office_and_laptop(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let office = dir.join("县办.db");
    let laptop = dir.join("笔记本.db");
    succeeded(on(
        &office,
        &["identity", "--name", "县办", "--role", "office"],
    ));
    let me = succeeded(on(&laptop, &["identity", "--name", "外业甲"]));
    (office, laptop, me)
}

#[test]
fn keys_travel_by_enrolment_and_key_files_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (office, laptop, me) = office_and_laptop(dir.path());
    let fp = me.split("密钥指纹 ").nth(1).unwrap()[..19].to_owned();
    let enrolment = dir.path().join("外业甲.ysid");
    let said = succeeded(on(
        &laptop,
        &["enrolment", "--out", enrolment.to_str().unwrap()],
    ));
    assert!(said.contains(&fp), "{said}");
    let said = succeeded(on(&office, &["enrol", enrolment.to_str().unwrap()]));
    assert!(
        said.contains("已记下“外业甲”的密钥") && said.contains(&fp),
        "{said}"
    );
    let peers = succeeded(on(&office, &["peers"]));
    assert!(peers.contains(&fp) && peers.contains("登记文件"), "{peers}");

    // The key moves to a new file with its password, not without.
    let key = dir.path().join("外业甲.yskey");
    let short = on_with_input(
        &laptop,
        &["key-export", "--out", key.to_str().unwrap()],
        "123\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("至少 8 个字符"));
    succeeded(on_with_input(
        &laptop,
        &["key-export", "--out", key.to_str().unwrap()],
        "换电脑的密码2026\n",
    ));
    let fresh = dir.path().join("新电脑.db");
    succeeded(on(&fresh, &["init"]));
    let wrong = on_with_input(
        &fresh,
        &["key-import", key.to_str().unwrap()],
        "不对的密码2026\n",
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("密码不对"));
    let said = succeeded(on_with_input(
        &fresh,
        &["key-import", key.to_str().unwrap()],
        "换电脑的密码2026\n",
    ));
    assert!(said.contains("外业甲") && said.contains(&fp), "{said}");
    let me = succeeded(on(&fresh, &["identity"]));
    assert!(me.contains(&fp), "{me}");
    // A key file is not a database: exporting over the database is refused.
    let over = on_with_input(
        &laptop,
        &["key-export", "--out", laptop.to_str().unwrap()],
        "换电脑的密码2026\n",
    );
    assert!(!over.status.success());
}

#[test]
fn package_messages_count_records_and_say_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let (office, laptop, me) = office_and_laptop(dir.path());

    // Before any exchange, `--to` says how to start.
    let first = dir.path().join("first.yspkg");
    let refused = on(
        &laptop,
        &[
            "export-package",
            "--to",
            "县办",
            "--out",
            first.to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("还没有与任何电脑交换过数据包") && said.contains("不要加 --to"),
        "{said}"
    );

    // 55 compounds registered in one go: one entry, 55 records.
    let sheet = dir.path().join("名册.csv");
    let mut csv = String::from("序号,小区名称,所属乡镇,建成年代\n");
    for i in 0..55 {
        csv.push_str(&format!("{},第{i:02}号小区,城关镇,1990\n", i + 1));
    }
    std::fs::write(&sheet, csv).unwrap();
    succeeded(on(&laptop, &["import-register", sheet.to_str().unwrap()]));
    succeeded(on(
        &laptop,
        &["export-package", "--out", first.to_str().unwrap()],
    ));
    // From a machine the office has no key for: its fingerprint first, checked by telephone.
    let fp = me.split("密钥指纹 ").nth(1).unwrap()[..19].to_owned();
    let refused = on(&office, &["import-package", first.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains(&fp) && said.contains("--fingerprint") && said.contains("本机数据未改动"),
        "{said}"
    );
    let wrong = on(
        &office,
        &[
            "import-package",
            first.to_str().unwrap(),
            "--fingerprint",
            "0000 0000 0000 0000",
        ],
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("不符"));
    let said = succeeded(on(
        &office,
        &[
            "import-package",
            first.to_str().unwrap(),
            "--fingerprint",
            &fp.to_lowercase(),
        ],
    ));
    assert!(said.contains("包中共 55 条记录的改动"), "{said}");
    assert!(said.contains("新增 55、修改 0、删除 0"), "{said}");
    assert!(!said.contains("项变更"), "{said}");
    assert!(!said.contains("待处理"), "{said}");

    // The same package again: nothing written, and said so.
    let said = succeeded(on(&office, &["import-package", first.to_str().unwrap()]));
    assert!(
        said.contains("以前已导入过，本次没有写入任何内容"),
        "{said}"
    );

    // The same changes in another package: the records are unchanged, the package is logged.
    let again = dir.path().join("again.yspkg");
    succeeded(on(
        &laptop,
        &["export-package", "--out", again.to_str().unwrap()],
    ));
    let said = succeeded(on(&office, &["import-package", again.to_str().unwrap()]));
    assert!(
        said.contains("本机的记录没有改动") && said.contains("交换记录"),
        "{said}"
    );
    assert!(!said.contains("本次没有改动"), "{said}");

    // `peers` says what was exchanged, not "第 1-0 号".
    let peers = succeeded(on(&office, &["peers"]));
    assert!(
        peers.contains("已收到对方第 1-") && peers.contains("尚未向对方发出本机的变更"),
        "{peers}"
    );
    assert!(!peers.contains("1-0 号"), "{peers}");
}

/// `conflicts` lists what waits for a user, by record and field, with both values and who
/// changed it there, and says where to settle it.
#[test]
fn conflicts_lists_what_waits_for_a_user_by_record_and_field() {
    use crate::common::sync::Machine;
    use yanshou::model::sync::Role;
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业甲", Role::Field);
    let mut c = crate::common::compound("建设路小区");
    laptop.store.save_compound(&c).unwrap();
    office.receive(&laptop.send(Some(&office))).unwrap();
    let path = office.path.clone();
    let said = succeeded(on(&path, &["conflicts"]));
    assert!(said.contains("待处理的冲突：0 条记录，0 处"), "{said}");
    assert!(!said.contains("请在程序"), "{said}");

    c.households = Some(80);
    laptop.store.save_compound(&c).unwrap();
    let mut at_office = office.store.compound(c.id).unwrap();
    at_office.households = Some(90);
    office.store.save_compound(&at_office).unwrap();
    office.receive(&laptop.send(Some(&office))).unwrap();
    drop(office);

    let said = succeeded(on(&path, &["conflicts"]));
    assert!(said.contains("待处理的冲突：1 条记录，1 处"), "{said}");
    assert!(said.contains("  小区“建设路小区”"), "{said}");
    assert!(
        said.contains("    户数：本机“90”，外业甲（") && said.contains("）改为“80”\n"),
        "{said}"
    );
    assert!(
        !said.contains("Z）"),
        "a time for people, not RFC 3339: {said}"
    );
    assert!(said.contains("疑似重复：0 处"), "{said}");
    assert!(
        said.contains("请在程序的“数据交换”页中逐项选择。"),
        "{said}"
    );
}
