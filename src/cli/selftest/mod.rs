//! `yanshou selftest`: the reliability suite, tried as a hostile and a careless user would.
//! `cargo test` runs each part small (tests/integration/reliability.rs); `yanshou selftest --long` runs it
//! at full size and prints each figure (the README quotes them).

pub mod crash;
pub mod damage;
pub mod disk;
pub mod forgery;
pub mod race;
pub mod tamper;

use std::path::Path;
use std::time::Instant;

/// How large each part runs.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub damaged_files: usize,
    /// kill -9 trials of each scenario.
    pub kills: usize,
    /// Sign-offs raced by a second writer.
    pub races: usize,
}

impl Sizes {
    /// The full suite.
    pub const LONG: Self = Self {
        damaged_files: 1_200,
        kills: 50,
        races: 400,
    };
    /// A quick pass.
    pub const SHORT: Self = Self {
        damaged_files: 300,
        kills: 5,
        races: 20,
    };
}

/// Runs every part and prints its figures; fails if any part found a fault.
/// `outln!`, and the line kept for the README.
macro_rules! say {
    ($lines:expr, $($arg:tt)*) => {{
        let line = format!($($arg)*);
        outln!("{line}");
        $lines.push(line);
    }};
}

pub fn run(long: bool, readme: Option<&Path>) -> anyhow::Result<()> {
    let mut lines: Vec<String> = Vec::new();
    let sizes = if long { Sizes::LONG } else { Sizes::SHORT };
    let mut faults = 0;

    let exe = std::env::current_exe()?;
    let mut trials = 0;
    let mut acknowledged = 0;
    for scenario in crash::Scenario::ALL {
        let start = Instant::now();
        let report = crash::run(&exe, scenario, sizes.kills, 2026)?;
        say!(
            lines,
            "kill -9（{}）：{} 次，确认保存的写入 {} 次，丢失 {}，重新打开后不完整 {}；用时 {:.1} s",
            scenario.label(),
            report.trials,
            report.acknowledged,
            report.lost,
            report.broken.len(),
            start.elapsed().as_secs_f64()
        );
        for bad in report.broken.iter().take(10) {
            say!(lines, "　问题：{bad}");
        }
        trials += report.trials;
        acknowledged += report.acknowledged;
        if report.lost > 0 || !report.broken.is_empty() {
            faults += 1;
        }
    }
    say!(
        lines,
        "kill -9 合计：{trials} 次，确认保存的写入 {acknowledged} 次。"
    );

    let start = Instant::now();
    let damage = damage::run(sizes.damaged_files, 2026)?;
    say!(
        lines,
        "损坏的文件：{} 个，拒绝 {}（均有中文原因、文件未改动、旁边未留新文件），打开 {}（打开后完整性检查均通过），打开时已损坏 {}，被改动 {}，原因不明 {}，崩溃 {}；用时 {:.1} s",
        damage.files,
        damage.refused,
        damage.opened_intact,
        damage.opened_corrupt.len(),
        damage.modified.len(),
        damage.unclear.len(),
        damage.panics.len(),
        start.elapsed().as_secs_f64()
    );
    let causes: Vec<String> = damage
        .causes
        .iter()
        .map(|(cause, n)| format!("{cause} {n}"))
        .collect();
    say!(lines, "　拒绝的原因：{}", causes.join("，"));
    for bad in damage
        .opened_corrupt
        .iter()
        .chain(&damage.modified)
        .chain(&damage.unclear)
        .chain(&damage.panics)
        .take(80)
    {
        say!(lines, "　问题：{bad}");
    }
    if !damage.is_clean() {
        faults += 1;
    }

    let start = Instant::now();
    let race = race::run(sizes.races)?;
    say!(
        lines,
        "两个写入者抢签字：签字锁定 {} 次，另一程序同时写入 {} 次，校验码与记录不符 {}；用时 {:.1} s",
        race.sign_offs,
        race.other_writes,
        race.broken_seals,
        start.elapsed().as_secs_f64()
    );
    if race.broken_seals > 0 {
        faults += 1;
    }

    for (title, caught, part) in [
        ("篡改已签字的记录", "发现", tamper::run as fn() -> _),
        (
            "伪造与越权（重新签字、伪造签名、伪造或冒充的数据包、向已签字记录插入、导出覆盖数据库、错误的备份、恶意表格）",
            "拦住",
            forgery::run,
        ),
    ] {
        let (tried, missed) = part()?;
        say!(
            lines,
            "{title}：{tried} 种，{caught} {}，漏掉 {}",
            tried - missed.len().min(tried),
            missed.len()
        );
        for m in &missed {
            say!(lines, "　问题：{m}");
        }
        if !missed.is_empty() {
            faults += 1;
        }
    }

    let disk = disk::run()?;
    say!(
        lines,
        "磁盘满与只读：通过 {} 项（{}），失败 {}，跳过 {}",
        disk.passed.len(),
        disk.passed.join("、"),
        disk.failed.len(),
        disk.skipped.len()
    );
    for line in disk.failed.iter().chain(&disk.skipped) {
        say!(lines, "　{line}");
    }
    if !disk.failed.is_empty() {
        faults += 1;
    }

    if faults > 0 {
        anyhow::bail!("自检发现 {faults} 类问题（见上）");
    }
    say!(lines, "自检通过。");
    if let Some(readme) = readme {
        write_readme_block(readme, long, &lines)?;
        outln!("已把以上结果写入 {}。", readme.display());
    }
    Ok(())
}

/// The markers the README's reliability figures sit between.
const BEGIN: &str = "<!-- selftest:begin -->";
const END: &str = "<!-- selftest:end -->";

/// Replaces the README's block between the markers with what this run printed, so the
/// figures there are always a run's own words.
fn write_readme_block(readme: &Path, long: bool, lines: &[String]) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(readme)?;
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        anyhow::bail!("“{}”中没有 {BEGIN} … {END} 标记", readme.display());
    };
    anyhow::ensure!(begin < end, "“{}”中的标记顺序不对", readme.display());
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut block = format!(
        "{BEGIN}\n`yanshou selftest{}` ({build} build, {} {}) printed on {}:\n\n```text\n",
        if long { " --long" } else { "" },
        std::env::consts::OS,
        std::env::consts::ARCH,
        chrono::Local::now().format("%Y-%m-%d"),
    );
    for line in lines {
        block.push_str(line);
        block.push('\n');
    }
    block.push_str("```\n");
    let updated = format!("{}{block}{}", &text[..begin], &text[end..]);
    crate::export::write_file_atomically(readme, updated.as_bytes())?;
    Ok(())
}
