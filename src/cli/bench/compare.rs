//! `yanshou bench --compare`: each figure of #21 beside the tool a user would compare it with,
//! doing the same work the same way (a whole process against a whole process, runs
//! interleaved so both see the same load, medians), with the ratio and the goal. A peer that
//! is not installed is said, not guessed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::figures::tempfile_dir;

mod measures;
use measures::{bench_memory, packages, photos, register, screens, start_and_sheet, ticks};

/// One line of the table.
struct Row {
    what: String,
    /// This program's figure, in `unit`.
    ours: f64,
    /// The peer's figure, or why there is none.
    peer: Result<(String, f64), String>,
    unit: &'static str,
    /// At most this much (in `unit`).
    most: Option<f64>,
    /// At most this ratio to the peer.
    most_ratio: Option<f64>,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        self.peer.as_ref().ok().map(|(_, peer)| self.ours / peer)
    }

    /// Whether the goal is met (`None`: it cannot be told without the peer).
    fn met(&self) -> Option<bool> {
        let within = self.most.is_none_or(|most| self.ours <= most);
        match (self.most_ratio, self.ratio()) {
            (Some(goal), Some(ratio)) => Some(within && ratio <= goal),
            (Some(_), None) if within => None,
            _ => Some(within),
        }
    }

    /// Rows without a goal show how a figure grows, or a floor, beside the others.
    fn has_goal(&self) -> bool {
        self.most.is_some() || self.most_ratio.is_some()
    }

    fn goal(&self) -> String {
        let mut parts = Vec::new();
        if let Some(most) = self.most {
            parts.push(format!("≤ {} {}", figure(most), self.unit));
        }
        if let Some(ratio) = self.most_ratio {
            parts.push(format!("比值 ≤ {}", figure(ratio)));
        }
        parts.join("，")
    }
}

fn figure(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(super) fn run() -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let result = run_in(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(dir: &Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let load_before = load();
    outln!("开始时机器负载（1/5/15 分钟平均）：{load_before}");
    let mut rows = Vec::new();
    register(&exe, dir, &mut rows)?;
    start_and_sheet(&exe, dir, &mut rows)?;
    screens(&exe, dir, &mut rows)?;
    ticks(dir, &mut rows)?;
    packages(dir, &mut rows)?;
    photos(dir, &mut rows)?;
    bench_memory(&exe, &mut rows)?;

    outln!("");
    outln!("| 项目 | 本程序 | 对照 | 比值 | 目标 | 结果 |");
    outln!("|---|---|---|---|---|---|");
    let mut missed = 0;
    for row in &rows {
        let peer = match &row.peer {
            Ok((name, value)) => format!("{name} {} {}", figure(*value), row.unit),
            Err(why) => why.clone(),
        };
        let ratio = row.ratio().map(figure).unwrap_or_else(|| "—".to_owned());
        let met = match row.met() {
            _ if !row.has_goal() => "—（供对照，无目标）",
            Some(true) => "达到",
            Some(false) => {
                missed += 1;
                "未达到"
            }
            None => "无对照，未判定",
        };
        outln!(
            "| {} | {} {} | {peer} | {ratio} | {} | {met} |",
            row.what,
            figure(row.ours),
            row.unit,
            row.goal()
        );
    }
    outln!("");
    outln!(
        "结束时机器负载：{}；有目标的 {} 项中 {missed} 项未达到。",
        load(),
        rows.iter().filter(|r| r.has_goal()).count()
    );
    Ok(())
}

/// The load average, as the system says it.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "（本系统不提供）".to_owned())
}

/// Runs a command to its end; how long it took. Its output is kept for the error it may be.
fn whole(command: &mut Command) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let output = command.stdin(Stdio::null()).output()?;
    let took = start.elapsed();
    anyhow::ensure!(
        output.status.success(),
        "{:?} 失败：{}",
        command,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(took)
}

/// Whether `program args…` runs and succeeds (a peer is installed).
fn installed(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// `runs` of ours and of the peer's, interleaved; the medians.
fn interleaved(
    runs: usize,
    mut ours: impl FnMut() -> anyhow::Result<Duration>,
    mut peer: Option<&mut dyn FnMut() -> anyhow::Result<Duration>>,
) -> anyhow::Result<(Duration, Option<Duration>)> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        a.push(ours()?);
        if let Some(peer) = peer.as_mut() {
            b.push(peer()?);
        }
    }
    Ok((median(a), (!b.is_empty()).then(|| median(b))))
}

#[cfg(test)]
mod tests {
    use super::Row;

    fn row(ours: f64, peer: Option<f64>, most: Option<f64>, most_ratio: Option<f64>) -> Row {
        Row {
            what: String::new(),
            ours,
            peer: peer.map(|p| ("peer".to_owned(), p)).ok_or_else(String::new),
            unit: "ms",
            most,
            most_ratio,
        }
    }

    #[test]
    fn a_goal_is_met_only_within_both_the_figure_and_the_ratio() {
        assert_eq!(
            row(2900.0, Some(1000.0), Some(3000.0), Some(3.0)).met(),
            Some(true)
        );
        assert_eq!(
            row(3100.0, Some(1100.0), Some(3000.0), Some(3.0)).met(),
            Some(false)
        );
        assert_eq!(
            row(2900.0, Some(900.0), Some(3000.0), Some(3.0)).met(),
            Some(false)
        );
        assert_eq!(row(120.0, Some(300.0), None, Some(0.5)).met(), Some(true));
        assert_eq!(row(12.0, None, Some(15.0), None).met(), Some(true));
        assert_eq!(row(16.5, None, Some(16.0), None).met(), Some(false));
        assert!(!row(229.0, Some(57.0), None, None).has_goal());
        assert!(row(12.0, None, Some(15.0), None).has_goal());
    }

    #[test]
    fn without_its_peer_a_ratio_goal_is_not_judged() {
        assert_eq!(row(120.0, None, None, Some(0.5)).met(), None);
        // Over the figure is a miss whatever the peer.
        assert_eq!(
            row(4000.0, None, Some(3000.0), Some(3.0)).met(),
            Some(false)
        );
        assert_eq!(row(120.0, None, None, Some(0.5)).ratio(), None);
        assert_eq!(
            row(120.0, None, None, Some(0.5)).goal(),
            "比值 ≤ 0.50".to_owned()
        );
    }
}
