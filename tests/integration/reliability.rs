//! The reliability suite, small: kill -9 during every kind of write, damaged files at the
//! door, a second writer racing sign-off, a full disk and read-only media. `yanshou selftest
//! --long` runs the same parts at full size and prints the figures (README).
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::path::Path;

use yanshou::cli::selftest::{crash, damage, disk, forgery, race};

#[test]
fn no_acknowledged_write_is_lost_to_kill_9() {
    let exe = Path::new(env!("CARGO_BIN_EXE_yanshou"));
    for scenario in crash::Scenario::ALL {
        // A new file is killed at many points of its making and first writes.
        let trials = if scenario == crash::Scenario::Create {
            24
        } else {
            4
        };
        // The sample set and an import are one write each: a kill may come before it. The
        // others must get some writes acknowledged, or the kills tested nothing; on a busy
        // machine (this binary runs the other modules' tests beside it) every kill of one seed
        // may come before the first write, so up to three seeds are tried. Every run must
        // lose nothing and break nothing.
        let must_write = !matches!(scenario, crash::Scenario::Sample | crash::Scenario::Import);
        let mut acknowledged = 0;
        for seed in [7, 8, 9] {
            let report = crash::run(exe, scenario, trials, seed).unwrap();
            assert_eq!(report.trials, trials);
            assert_eq!(report.lost, 0, "{}: {report:?}", scenario.label());
            assert!(report.broken.is_empty(), "{:?}", report.broken);
            acknowledged += report.acknowledged;
            if acknowledged > 0 || !must_write {
                break;
            }
        }
        if must_write {
            assert!(acknowledged > 0, "{} wrote nothing", scenario.label());
        }
    }
}

#[test]
fn damaged_files_are_refused_untouched_with_a_reason() {
    for seed in [1, 2] {
        let report = damage::run(600, seed).unwrap();
        assert!(report.files >= 600);
        assert!(report.is_clean(), "seed {seed}: {report:#?}");
        assert!(report.refused > 300, "{report:#?}");
        for cause in [
            "已损坏",
            "不是数据库",
            "其他程序的数据库",
            "不是普通文件",
            "更新版本写入",
        ] {
            assert!(report.causes.contains_key(cause), "no {cause}: {report:#?}");
        }
    }
}

#[test]
fn a_second_writer_racing_sign_off_breaks_no_seal() {
    let report = race::run(15).unwrap();
    assert_eq!(report.sign_offs, 15);
    assert_eq!(report.broken_seals, 0);
}

#[test]
fn a_full_disk_and_read_only_media_lose_nothing() {
    let report = disk::run().unwrap();
    assert!(report.failed.is_empty(), "{report:#?}");
    // The injected cases run everywhere; the mounts and permissions where they can.
    assert!(report.passed.len() >= 2, "{report:#?}");
}

#[test]
fn every_forgery_and_hostile_file_is_refused_or_flagged() {
    let (tried, missed) = forgery::run().unwrap();
    assert_eq!(tried, 8);
    assert!(missed.is_empty(), "{missed:#?}");
}

/// The README's reliability block is a run's own output (`selftest --readme`): it names every
/// kill -9 scenario and every part of the suite, and says the run passed.
#[test]
fn the_readme_block_is_what_a_run_printed() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let begin = readme.find("<!-- selftest:begin -->").unwrap();
    let end = readme.find("<!-- selftest:end -->").unwrap();
    let block = &readme[begin..end];
    for scenario in crash::Scenario::ALL {
        assert!(
            block.contains(&format!("kill -9（{}）", scenario.label())),
            "README lacks {}: run `yanshou selftest --long --readme README.md`",
            scenario.label()
        );
    }
    for part in [
        "损坏的文件",
        "两个写入者抢签字",
        "篡改已签字的记录",
        "伪造与越权",
        "磁盘满与只读",
        "自检通过",
    ] {
        assert!(
            block.contains(part),
            "README lacks {part}: run `yanshou selftest --long --readme README.md`"
        );
    }
}
