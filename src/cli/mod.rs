//! Command-line interface: the GUI by default, and headless subcommands for the office.

/// `outln!` for what a command prints: a reader that went away (`yanshou list | head -2`)
/// ends the program quietly with status 0, as other command-line programs do, never a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::print_line(format_args!($($arg)*))
    };
}

mod bench;
mod keys;
mod ledger;
mod package;
mod policy_pack;
pub mod selftest;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use crate::export::Document;
use crate::job::Progress;
use crate::model::seal::describe_code_check;
use crate::model::{ClusterId, CompoundId, InspectionId};
use crate::store::Store;

/// 城镇老旧小区改造调查与验收 — offline survey and acceptance tool.
#[derive(Debug, Parser)]
#[command(name = "yanshou", version, about)]
pub struct Cli {
    /// 数据库文件（默认在本机数据目录）/ database file
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// 显示更多运行记录（-v 信息，-vv 调试；也可用 RUST_LOG）/ more log lines on stderr
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// 要打开的文件：数据库（.db）或外业数据包（.yspkg，在默认数据库中导入）/ a file to open
    /// (what a double-click on a package passes)
    #[arg(value_name = "OPEN")]
    pub open: Option<PathBuf>,

    /// （截图、演示用）窗口打开后显示的页面：register、compound、checklist、progress、
    /// rhythm、exchange / the screen the window starts on (screenshots, demonstrations)
    #[arg(long, hide = true, value_name = "SCREEN")]
    pub show: Option<String>,

    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

impl Cli {
    /// The database the window opens, and a package to import into it: `--db`, else a
    /// database file given to open, else the default; a package given to open is imported.
    pub fn window_files(&self) -> (PathBuf, Option<PathBuf>) {
        let is_package = |p: &PathBuf| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(crate::export::Format::Package.extension()))
        };
        match &self.open {
            Some(p) if is_package(p) => (
                self.db.clone().unwrap_or_else(default_db_path),
                Some(p.clone()),
            ),
            Some(p) => (self.db.clone().unwrap_or_else(|| p.clone()), None),
            None => (self.db.clone().unwrap_or_else(default_db_path), None),
        }
    }
}

/// Writes one line of a command's output (see `outln!`).
pub(crate) fn print_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("错误：无法写出结果（{e}），请检查输出的文件或磁盘。");
        std::process::exit(1);
    }
}

/// What `yanshou pack` does.
#[derive(Debug, Subcommand)]
pub enum PackAction {
    /// 检查文件夹中的政策包，列出其内容与依据条款 / check a pack and list what it holds
    Check {
        /// 含 pack.toml 的文件夹
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// 复制一个内置政策包到新文件夹，供改写成本县的 / copy a built-in pack to edit
    New {
        /// 内置政策包的名称（luoning：洛宁县）
        #[arg(long, value_name = "NAME")]
        from: String,
        /// 新文件夹（须不存在或为空）
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// 新建一个空的数据库文件（默认用内置的洛宁县政策包）/ create an empty database file
    Init {
        /// 用此文件夹中的政策包（县名、乡镇、目标等；见 `yanshou pack new`）
        #[arg(long, value_name = "DIR")]
        pack: Option<PathBuf>,
    },
    /// 政策包：检查或新建一个县的实施方案数据 / policy packs: check or start one
    Pack {
        #[command(subcommand)]
        action: PackAction,
    },
    /// 列出小区与验收记录编号 / list compounds and inspection ids
    List,
    /// 导出验收单 PDF / export an acceptance sheet
    ExportPdf {
        /// 验收记录编号（见 `yanshou list`）
        #[arg(long, value_name = "ID")]
        inspection: String,
        /// 输出文件
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// 改为导出该轮的整改通知单
        #[arg(long, conflicts_with = "whole")]
        notice: bool,
        /// 改为导出这次验收全部轮次的验收总表
        #[arg(long = "final")]
        whole: bool,
    },
    /// 导出片区综合验收汇总表 PDF / export a cluster's overall acceptance summary
    ExportOverall {
        /// 片区编号（见 `yanshou list`）
        #[arg(long, value_name = "ID")]
        cluster: String,
        /// 输出文件
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// 导出小区调查表 PDF（默认最新一轮）/ export a compound's survey form
    ExportSurvey {
        /// 小区编号（见 `yanshou list`）
        #[arg(long, value_name = "ID")]
        compound: String,
        /// 调查轮次（默认最新一轮）
        #[arg(long)]
        round: Option<u32>,
        /// 输出文件
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// 核验纸质验收单上的校验码；不带校验码则核验全部已签字记录和签字日志 /
    /// check a printed sheet's code, or every signed record and the sign-off log
    Verify {
        /// 验收单上印的校验码，如 3F2A-91C0-7B44
        #[arg(long, value_name = "CODE", conflicts_with = "image")]
        code: Option<String>,
        /// 纸质验收单的扫描件或照片（JPEG、PNG）：读出二维码，核对它与记录是否一致
        #[arg(long, value_name = "FILE")]
        image: Option<PathBuf>,
    },
    /// 导出外业数据包（本机尚未发给对方的变更）/ export a field package
    ExportPackage {
        /// 输出文件（.yspkg）
        #[arg(long, value_name = "FILE.yspkg")]
        out: PathBuf,
        /// 接收方（电脑编号或名称，见 `yanshou peers`）；不填则为新的接收方
        #[arg(long, value_name = "PEER")]
        to: Option<String>,
        /// 导出全部数据（设置新电脑用）
        #[arg(long)]
        all: bool,
        /// 只导出这个乡镇的小区、片区（及其小区所在的片区）和它们的全部记录，连同全部乡镇的名单，
        /// 用于设置这个乡镇的新电脑；其他乡镇的小区和片区不导出
        #[arg(long, value_name = "TOWN")]
        town: Option<String>,
    },
    /// 导入数据包：全部导入或完全不导入；两边都改过的字段留待选择 / import a field package
    ImportPackage {
        /// 数据包文件（.yspkg）
        #[arg(value_name = "FILE.yspkg")]
        package: PathBuf,
        /// 首次收到某台电脑的数据包时：电话核对过的对方密钥指纹（如 "1B9E 4627 ABEB 2EF5"）
        #[arg(long, value_name = "FINGERPRINT")]
        fingerprint: Option<String>,
    },
    /// 显示或设置本机身份（名称、县办/外业）/ show or set this file's identity
    Identity {
        /// 新名称，如 ××镇-王海燕的笔记本
        #[arg(long)]
        name: Option<String>,
        /// office（县办）或 field（外业）
        #[arg(long)]
        role: Option<String>,
    },
    /// 列出交换过数据包的电脑及已记下的密钥指纹 / list the machines packages were exchanged
    /// with, and the keys this file knows
    Peers,
    /// 列出待处理的冲突和疑似重复（在程序的“数据交换”页中选择）/ list the conflicts and
    /// look-alikes waiting for a user
    Conflicts,
    /// 导出本机的设备登记文件（.ysid，只含公钥），交县办预先登记 / write this file's
    /// enrolment file (public key only)
    Enrolment {
        /// 输出文件（.ysid）
        #[arg(long)]
        out: PathBuf,
    },
    /// 导入其他电脑的设备登记文件，记下其密钥 / learn a machine's key from its enrolment file
    Enrol {
        /// 设备登记文件（.ysid）
        file: PathBuf,
    },
    /// 导出本机密钥（.yskey，密码保护），换新电脑用；密码从标准输入读一行 / export this
    /// file's identity and key for a new laptop (password read from stdin)
    KeyExport {
        /// 输出文件（.yskey）
        #[arg(long)]
        out: PathBuf,
    },
    /// 在新建的空数据库中导入旧电脑的密钥，接替其身份；密码从标准输入读一行 / take over a
    /// laptop's identity in a new, empty file (password read from stdin)
    KeyImport {
        /// 密钥文件（.yskey）
        file: PathBuf,
    },
    /// 从 Excel/WPS 表格登记小区（.xlsx .xls .csv）/ register compounds from a spreadsheet
    ImportRegister {
        /// 表格文件
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 跳过有问题的行，登记其余的
        #[arg(long)]
        skip_bad: bool,
    },
    /// 对照目标打印进度 / progress against the targets
    Progress {
        /// 年度（不填则打印各年度与合计）
        #[arg(long)]
        year: Option<i32>,
    },
    /// 导出台账（.xlsx）/ export the ledger workbook
    ExportLedger {
        /// 输出文件（.xlsx）
        #[arg(long)]
        out: PathBuf,
    },
    /// 导出某日的日通报（PDF，或 .xlsx）/ export a day's bulletin
    ExportBulletin {
        /// 日期，如 2026-11-27（不填为今天）
        #[arg(long)]
        date: Option<String>,
        /// 输出文件：.pdf 或 .xlsx（按扩展名）
        #[arg(long)]
        out: PathBuf,
    },
    /// 导出进度报表（.pdf）、进度表或资金汇总（.xlsx）/ export the progress report or tables
    ExportProgress {
        /// 输出文件：.pdf 为进度报表，.xlsx 为进度表
        #[arg(long)]
        out: PathBuf,
        /// 导出资金汇总（.xlsx）而非进度
        #[arg(long)]
        funding: bool,
    },
    /// 写入示例数据（培训用）/ write the training sample data set
    Sample {
        /// 允许混入已有正式数据的文件
        #[arg(long)]
        into_existing: bool,
    },
    /// 可靠性自检：强行终止、损坏文件、抢写、篡改、磁盘满、只读 / the reliability suite
    Selftest {
        /// 全量运行（数百次强行终止、上千个损坏文件），打印各项数字
        #[arg(long)]
        long: bool,
        /// 把打印的结果写进 README 的可靠性一节（两个 selftest 标记之间）
        #[arg(long)]
        readme: Option<PathBuf>,
    },
    /// （自检用）被强行终止的子进程 / the child that `selftest` kills
    #[command(hide = true)]
    SelftestChild {
        #[arg(long)]
        scenario: String,
    },
    /// 性能测试：打印导出与保存耗时 / print benchmark figures
    Bench {
        /// 每项重复次数
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// 只测一部分：packages（数据包）、spreadsheets（名册与台账）、photos（照片与验收单）或 screens（界面线程）/ only one part
        #[arg(long, value_name = "PART")]
        only: Option<String>,
        /// 与同类工具对照：每项数字旁列出 Typst、ImageMagick、vips、calamine（Python）、sqlite3 的同一工作，
        /// 及比值与目标 / each figure beside its peer, with the ratio and the goal
        #[arg(long, conflicts_with = "only")]
        compare: bool,
    },
}

/// Set (by `yanshou bench --compare`) to have a command print its peak memory on stderr as it
/// ends: `峰值内存 N KB`.
pub const PEAK_MEMORY_VARIABLE: &str = "YANSHOU_REPORT_PEAK_MEMORY";

/// This process's peak resident memory in KB (Linux: `VmHWM`), if the system says.
pub fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Prints the peak memory when `PEAK_MEMORY_VARIABLE` asks for it.
pub fn report_peak_memory_if_asked() {
    if std::env::var_os(PEAK_MEMORY_VARIABLE).is_some()
        && let Some(kb) = peak_memory_kb()
    {
        eprintln!("峰值内存 {kb} KB");
    }
}

/// The database used when `--db` is not given: `<data dir>/yanshou.db`.
pub fn default_db_path() -> PathBuf {
    if let Some(dir) = crate::config::portable_dir() {
        return dir.join("yanshou.db");
    }
    directories::ProjectDirs::from("cn", "Luoning", "yanshou")
        .map(|d| d.data_dir().join("yanshou.db"))
        .unwrap_or_else(|| PathBuf::from("yanshou.db"))
}

/// For commands that only read: never writes, never locks, never creates.
fn open(db: &Path) -> anyhow::Result<Store> {
    Store::open_read_only(db).with_context(|| format!("打开数据库 {}", db.display()))
}

/// For commands that change records: creates the file if missing (its folder must exist),
/// waits a while for another instance that writes it, then refuses.
fn open_for_writing(db: &Path) -> anyhow::Result<Store> {
    Store::open(db).with_context(|| format!("打开数据库 {}", db.display()))
}

/// Runs a headless subcommand.
pub fn run(db: &Path, command: CliCommand) -> anyhow::Result<()> {
    match command {
        CliCommand::List => list(&open(db)?),
        CliCommand::ExportPdf {
            inspection,
            out,
            notice,
            whole,
        } => {
            let store = open(db)?;
            let Ok(id) = inspection.parse::<InspectionId>() else {
                bail!(
                    "“{inspection}”不是有效的验收记录编号；用 `yanshou list --db {}` 查看编号。",
                    db.display()
                );
            };
            let document = match (notice, whole) {
                (true, _) => Document::RectificationNotice(id),
                (false, true) => Document::FinalSheet(id),
                (false, false) => Document::AcceptanceSheet(id),
            };
            export(&store, &document, &out)
        }
        CliCommand::ExportSurvey {
            compound,
            round,
            out,
        } => {
            let store = open(db)?;
            let Ok(id) = compound.parse::<CompoundId>() else {
                bail!(
                    "“{compound}”不是有效的小区编号；用 `yanshou list --db {}` 查看编号。",
                    db.display()
                );
            };
            let surveys = store.surveys_of(id)?;
            let survey = match round {
                None => surveys.first(),
                Some(r) => surveys.iter().find(|s| s.round == r),
            };
            let Some(survey) = survey else {
                bail!(
                    "该小区没有{}调查记录。",
                    round.map(|r| format!("第 {r} 轮")).unwrap_or_default()
                );
            };
            export(&store, &Document::SurveyForm(survey.id), &out)
        }
        CliCommand::ExportOverall { cluster, out } => {
            let store = open(db)?;
            let Ok(id) = cluster.parse::<ClusterId>() else {
                bail!(
                    "“{cluster}”不是有效的片区编号；用 `yanshou list --db {}` 查看编号。",
                    db.display()
                );
            };
            export(&store, &Document::OverallSummary(id), &out)
        }
        CliCommand::Verify {
            image: Some(image), ..
        } => verify_image(&open(db)?, &image),
        CliCommand::Verify { code, image: None } => verify(&open(db)?, code.as_deref()),
        CliCommand::Pack { action } => match action {
            PackAction::Check { dir } => policy_pack::check(&dir),
            PackAction::New { from, dir } => policy_pack::new(&from, &dir),
        },
        CliCommand::Init { pack } => {
            // An empty file is what a creation cut short leaves: it is made a database.
            if db.exists() && !db.metadata().is_ok_and(|m| m.is_file() && m.len() == 0) {
                bail!(
                    "“{}”已存在，未作改动。init 只新建空的数据库文件。",
                    db.display()
                );
            }
            // The pack is checked before the file is made: a refused pack leaves no file.
            let pack = pack
                .as_deref()
                .map(crate::import::policy_pack::read_pack)
                .transpose()?;
            let mut store = open_for_writing(db)?;
            if let Some(pack) = &pack {
                store.start_with_pack(pack)?;
            }
            let county = store.pack_summary()?;
            outln!(
                "已新建空的验收数据库：{}（{}，政策包 {}）",
                db.display(),
                county.county_name,
                county.version
            );
            Ok(())
        }
        CliCommand::Sample { into_existing } => {
            let mut store = open_for_writing(db)?;
            crate::store::sample::write_sample(&mut store, into_existing)?;
            outln!("已写入示例数据：{}", db.display());
            Ok(())
        }
        CliCommand::ExportPackage { out, to, all, town } => package::export_package(
            &mut open_for_writing(db)?,
            &out,
            to.as_deref(),
            all,
            town.as_deref(),
        ),
        CliCommand::ImportPackage {
            package,
            fingerprint,
        } => package::import_package(&mut open_for_writing(db)?, &package, fingerprint.as_deref()),
        CliCommand::Identity { name, role } => {
            package::identity(&mut open_for_writing(db)?, name.as_deref(), role.as_deref())
        }
        CliCommand::Peers => package::peers(&open(db)?),
        CliCommand::Conflicts => package::conflicts(&open(db)?),
        CliCommand::Enrolment { out } => keys::write_enrolment(&open_for_writing(db)?, &out),
        CliCommand::Enrol { file } => keys::enrol(&mut open_for_writing(db)?, &file),
        CliCommand::KeyExport { out } => keys::export_key(&open_for_writing(db)?, &out),
        CliCommand::KeyImport { file } => keys::import_key(&mut open_for_writing(db)?, &file),
        CliCommand::ImportRegister { file, skip_bad } => {
            ledger::import_register(&mut open_for_writing(db)?, &file, skip_bad)
        }
        CliCommand::ExportLedger { out } => ledger::export_ledger(&open(db)?, &out),
        CliCommand::Progress { year } => ledger::progress(&open(db)?, year),
        CliCommand::ExportBulletin { date, out } => {
            ledger::export_bulletin(&open(db)?, date.as_deref(), &out)
        }
        CliCommand::ExportProgress { out, funding } => {
            ledger::export_progress(&open(db)?, funding, &out)
        }
        CliCommand::Bench { compare: true, .. } => bench::compare(),
        CliCommand::Bench {
            iterations, only, ..
        } => match only.as_deref() {
            None => bench::run(iterations),
            Some("packages") => bench::packages(),
            Some("spreadsheets") => bench::spreadsheets(),
            Some("photos") => bench::photos(),
            Some("screens") => bench::screens(),
            Some(other) => {
                bail!("没有“{other}”这一部分：可选 packages、spreadsheets、photos 或 screens")
            }
        },
        CliCommand::Selftest { long, readme } => selftest::run(long, readme.as_deref()),
        CliCommand::SelftestChild { scenario } => {
            let Some(scenario) = selftest::crash::Scenario::from_name(&scenario) else {
                bail!("未知的自检场景“{scenario}”");
            };
            selftest::crash::child(scenario, db)
        }
    }
}

/// Checks a printed code (or, with none, every signed record and the sign-off log) and says
/// in words what it finds; fails unless everything matches.
fn verify(store: &Store, code: Option<&str>) -> anyhow::Result<()> {
    let Some(code) = code else {
        let audit = store.audit()?;
        if audit.is_clean() {
            outln!(
                "核验完毕：{} 份已签字记录均与签字时一致，签字日志完整。",
                audit.checked
            );
            return Ok(());
        }
        for line in audit.lines() {
            outln!("{line}");
        }
        bail!("核验未通过：发现 {} 处问题", audit.lines().len());
    };
    let found = store.find_by_code_described(code)?;
    let (intact, words) = describe_code_check(code, &found);
    outln!("{words}");
    if !intact {
        bail!("核验未通过");
    }
    Ok(())
}

/// Reads the QR on a scanned or photographed sheet and says whether the sheet matches its
/// record here.
fn verify_image(store: &Store, image: &Path) -> anyhow::Result<()> {
    let codes = crate::import::scan::sheet_codes(image)?;
    let mut all_match = true;
    for qr in &codes {
        let (matches, words) = store.check_sheet(qr)?;
        outln!("纸上的校验码 {}：{words}", qr.code);
        all_match &= matches;
    }
    if !all_match {
        bail!("核验未通过");
    }
    Ok(())
}

/// Writes a document, and says where and how large.
fn export(store: &Store, document: &Document, out: &Path) -> anyhow::Result<()> {
    let clock = crate::model::Clock::local();
    let outcome = document.write(store, out, &clock, &Progress::unobserved());
    if let Some(error) = outcome.error {
        return Err(error.into());
    }
    for (path, size) in &outcome.written {
        outln!("已导出 {}（{} KB）", path.display(), size.div_ceil(1024));
    }
    Ok(())
}

fn list(store: &Store) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    // Everything is read before anything is printed: a record the file cannot give (changed
    // by another tool) says so instead of half a listing. Each compound's line is made as it
    // is read (100,000 rows held whole took 50 MB).
    let mut lines = String::new();
    let mut count = 0;
    store.each_compound_row(|row| {
        let c = &row.compound;
        count += 1;
        let year = c.year_built.map(|y| y.to_string()).unwrap_or_default();
        let _ = writeln!(
            lines,
            "  {}  {}  {}  {year}  {}  {}",
            c.id,
            c.name,
            row.town_name,
            row.eligibility.label(),
            row.survey_status.label()
        );
    })?;
    let clusters = store.clusters()?;
    let inspections = store.all_inspections()?;
    let audit = store.audit()?;
    outln!("小区（{count} 个）");
    if let Some(body) = lines.strip_suffix('\n') {
        outln!("{body}");
    }
    outln!("片区（{} 个）", clusters.len());
    for k in &clusters {
        outln!(
            "  {}  {}  {}",
            k.id,
            k.name,
            k.plan_year.map(|y| format!("{y} 年")).unwrap_or_default()
        );
    }
    outln!("验收记录（{} 条）", inspections.len());
    for l in &inspections {
        let s = &l.summary;
        let flag = audit
            .finding(s.id)
            .map(|f| format!("  ⚠ {}", f.summary()))
            .unwrap_or_default();
        outln!(
            "  {}  [{}] {}  {}  第{}轮{}  {}/{}  {}  {}{flag}",
            s.id,
            l.subject.kind_label(),
            l.subject_name,
            s.inspected_on,
            s.round,
            s.kind.label(),
            s.decided,
            s.total,
            s.verdict.label(),
            s.code.as_deref().unwrap_or("未签字")
        );
    }
    if !audit.is_clean() {
        outln!("核验发现问题（yanshou verify 查看详情）：");
        for line in audit.lines() {
            outln!("  ⚠ {line}");
        }
    }
    Ok(())
}
