//! The figures `--compare` takes, each beside its peer: the register import, a start and a
//! sheet, the screens at 100,000 compounds, a tick, a package, a photo, memory.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Row, installed, interleaved, median, ms, whole};
use crate::export::AcceptanceSheet;
use crate::model::Clock;
use crate::store::Store;

const CALAMINE: &str = "import sys\nfrom python_calamine import CalamineWorkbook\nrows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\nprint(len(rows))";

/// 1. The register import, whole process (`import-register` into an empty file), against
///    python-calamine's bare read of the same file.
pub(super) fn register(exe: &Path, dir: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let towns = Store::open_in_memory()?.towns()?;
    let calamine = installed("python3", &["-c", "import python_calamine"]);
    for n in [1_000, 10_000, 100_000] {
        let sheet = dir.join(format!("register-{n}.xlsx"));
        crate::cli::bench::spreadsheets::write_register(&sheet, &towns, n)?;
        let db = dir.join(format!("register-{n}.db"));
        let mut ours = || {
            let _ = std::fs::remove_file(&db);
            whole(Command::new(exe).arg("--db").arg(&db).arg("init"))?;
            whole(
                Command::new(exe)
                    .arg("--db")
                    .arg(&db)
                    .arg("import-register")
                    .arg(&sheet),
            )
        };
        let mut peer = || whole(Command::new("python3").args(["-c", CALAMINE]).arg(&sheet));
        let runs = if n == 100_000 { 3 } else { 5 };
        let (ours, peer) = interleaved(
            runs,
            &mut ours,
            calamine.then_some(&mut peer as &mut dyn FnMut() -> _),
        )?;
        outln!(
            "名册导入 {n} 行（整个进程）：{:.0} ms，每行 {:.1} µs",
            ms(ours),
            ours.as_secs_f64() * 1e6 / n as f64
        );
        rows.push(Row {
            what: format!("名册导入 {n} 行（整个进程：读取、检查、登记）"),
            ours: ms(ours),
            peer: peer
                .map(|p| ("python-calamine 只读取".to_owned(), ms(p)))
                .ok_or_else(|| "未安装 python-calamine".to_owned()),
            unit: "ms",
            most: (n == 100_000).then_some(3000.0),
            most_ratio: (n == 100_000).then_some(3.0),
        });
        let _ = std::fs::remove_file(&db);
    }
    Ok(())
}

/// 2. A start: `list` on the sample file; one sheet by `export-pdf` against Typst (its Python
///    binding) setting the same sheet in the same font; the window's first frame.
pub(super) fn start_and_sheet(exe: &Path, dir: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let sample = dir.join("sample.db");
    let mut store = Store::open(&sample)?;
    crate::store::sample::write_sample(&mut store, false)?;
    let finished = store
        .all_inspections()?
        .into_iter()
        .find(|l| l.summary.signed_off)
        .map(|l| l.summary.id)
        .ok_or_else(|| anyhow::anyhow!("示例数据中没有已签字的验收记录"))?;
    let sheet = AcceptanceSheet::load(&store, finished, Clock::local())?;
    drop(store);

    let (list, _) = interleaved(
        9,
        || whole(Command::new(exe).arg("--db").arg(&sample).arg("list")),
        None,
    )?;
    rows.push(Row {
        what: "`list`，示例文件（整个进程）".to_owned(),
        ours: ms(list),
        peer: Err("—".to_owned()),
        unit: "ms",
        most: Some(15.0),
        most_ratio: None,
    });

    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts)?;
    std::fs::write(fonts.join("wqy-microhei.ttc"), crate::assets::CJK_FONT)?;
    let typ = dir.join("sheet.typ");
    std::fs::write(&typ, typst_sheet(&sheet))?;
    let typst = installed("python3", &["-c", "import typst"]);
    let out = dir.join("sheet.pdf");
    let mut ours = || {
        whole(
            Command::new(exe)
                .arg("--db")
                .arg(&sample)
                .args(["export-pdf", "--inspection", &finished.to_string(), "--out"])
                .arg(&out),
        )
    };
    let peer_out = dir.join("typst.pdf");
    let mut peer = || {
        whole(
            Command::new("python3")
                .args([
                    "-c",
                    "import sys, typst\ntypst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])",
                ])
                .arg(&typ)
                .arg(&peer_out)
                .arg(&fonts),
        )
    };
    let (ours, peer) = interleaved(
        9,
        &mut ours,
        typst.then_some(&mut peer as &mut dyn FnMut() -> _),
    )?;
    rows.push(Row {
        what: format!(
            "一份 {} 项验收单 PDF（整个进程）",
            sheet.inspection.items.len()
        ),
        ours: ms(ours),
        peer: peer
            .map(|p| ("Typst（Python 绑定，同一内容与字体）".to_owned(), ms(p)))
            .ok_or_else(|| "未安装 Typst 的 Python 绑定（pip install typst）".to_owned()),
        unit: "ms",
        most: None,
        most_ratio: Some(1.0),
    });

    let display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    if display {
        let (mut ours, mut bare) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            ours.push(first_frame(exe, &sample, dir, "1")?);
            bare.push(first_frame(exe, &sample, dir, "bare")?);
        }
        rows.push(Row {
            what: "启动到窗口第一帧显示，示例文件".to_owned(),
            ours: ms(median(ours)),
            peer: Ok((
                "同尺寸、同渲染方式的空 eframe 窗口".to_owned(),
                ms(median(bare)),
            )),
            unit: "ms",
            most: Some(150.0),
            most_ratio: None,
        });
    } else {
        outln!("没有显示器（DISPLAY 未设置）：未测窗口启动时间。");
    }
    Ok(())
}

/// From starting the window on `db` to its first frame on screen (`how`: `1` the app, `bare`
/// an empty window).
fn first_frame(exe: &Path, db: &Path, dir: &Path, how: &str) -> anyhow::Result<Duration> {
    use std::io::BufRead as _;
    let home = dir.join("home");
    let start = Instant::now();
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(db)
        .env(crate::app::FIRST_FRAME_VARIABLE, how)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut shown = None;
    if let Some(out) = child.stdout.take() {
        for line in std::io::BufReader::new(out).lines() {
            if line?.trim() == "first-frame" {
                shown = Some(start.elapsed());
                break;
            }
        }
    }
    let status = child.wait()?;
    shown.ok_or_else(|| anyhow::anyhow!("窗口没有显示（{status}）"))
}

/// The sheet as a Typst document: the same title, details, items, verdict and signature
/// boxes, in the same font.
fn typst_sheet(sheet: &AcceptanceSheet) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut doc = String::from(
        "#set page(paper: \"a4\", margin: 1.8cm)\n#set text(font: \"WenQuanYi Micro Hei\", size: 9pt, lang: \"zh\")\n",
    );
    doc += &format!(
        "#align(center, text(size: 15pt)[#{}])\n#align(center)[#{}]\n",
        text(&format!("{} 验收单", sheet.subject_name)),
        text(&format!(
            "{}（{}）",
            sheet.standard_title, sheet.standard_clause
        ))
    );
    doc += "#table(columns: (auto, 1fr, auto, 1fr),\n";
    for pair in &sheet.details {
        for (label, value) in pair {
            doc += &format!("  {}, {},\n", text(label), text(value));
        }
    }
    doc += ")\n#table(columns: (auto, auto, 1fr, auto, auto, 1fr),\n  [序号], [类别], [标准], [依据条款], [结果], [备注],\n";
    for (n, item) in sheet.inspection.items.iter().enumerate() {
        doc += &format!(
            "  [{}], {}, {}, {}, {}, {},\n",
            n + 1,
            text(&item.standard.group),
            text(&item.standard.text),
            text(&item.standard.clause),
            text(item.result.map_or("未检查", |r| r.label())),
            text(&item.remark)
        );
    }
    doc += ")\n#table(columns: (1fr, 1fr, 1fr),\n";
    for signature in &sheet.signatures {
        doc += &format!(
            "  [#{} #v(1.5cm) 签字：#{}], ",
            text(&signature.unit),
            text(&signature.signer)
        );
    }
    doc += ")\n";
    doc
}

/// 3. The longest UI-thread stall opening every screen at 100,000 compounds, the worst of
///    five runs; and `list` on that file, its peak memory.
pub(super) fn screens(exe: &Path, dir: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let path = dir.join("screens.db");
    let prepared = crate::cli::bench::screens::prepare(&path)?;
    let mut worst = Duration::ZERO;
    for run in 1..=5 {
        let stall = crate::cli::bench::screens::open_every_screen(&path, &prepared, false)?;
        outln!(
            "第 {run} 次打开各页面：界面线程最长停顿 {:.1} ms",
            ms(stall)
        );
        worst = worst.max(stall);
    }
    rows.push(Row {
        what: "100,000 个小区时打开各页面，界面线程最长停顿（5 次中最差）".to_owned(),
        ours: ms(worst),
        peer: Err("一帧（60 Hz）16.7 ms".to_owned()),
        unit: "ms",
        most: Some(16.0),
        most_ratio: None,
    });
    let list = peak_of(Command::new(exe).arg("--db").arg(&path).arg("list"))?;
    rows.push(Row {
        what: "`list`，100,000 个小区的文件，峰值内存".to_owned(),
        ours: list,
        peer: Err("—".to_owned()),
        unit: "MB",
        most: Some(50.0),
        most_ratio: None,
    });
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// A command's peak memory in MB, as it reports it.
fn peak_of(command: &mut Command) -> anyhow::Result<f64> {
    let output = command
        .env(crate::cli::PEAK_MEMORY_VARIABLE, "1")
        .stdin(Stdio::null())
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "{:?} 失败：{}",
        command,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let kb: f64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("峰值内存 "))
        .and_then(|l| l.trim_end_matches(" KB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("{command:?} 没有报告峰值内存（只在 Linux 上能测）"))?;
    Ok(kb / 1024.0)
}

/// 4. Saving a tick (the change capture on, as in every file that can write) against a bare
///    one-row SQLite commit in WAL mode with a full sync, on the same disk, interleaved: p99.
pub(super) fn ticks(dir: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let mut store = Store::open(&dir.join("ticks.db"))?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let compound = crate::cli::bench::fresh_compound(&mut store)?;
    let round = crate::cli::bench::start_bench_inspection(&mut store, compound, today)?;
    let codes: Vec<String> = store
        .inspection(round)?
        .items
        .into_iter()
        .map(|i| i.standard.code)
        .collect();
    let bare = rusqlite::Connection::open(dir.join("bare.db"))?;
    bare.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);",
    )?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for n in 0..400 {
        let result = if n % 2 == 0 {
            crate::model::ItemResult::Pass
        } else {
            crate::model::ItemResult::Fail
        };
        let start = Instant::now();
        store.record_result(round, &codes[n % codes.len()], Some(result))?;
        ours.push(start.elapsed());
        let start = Instant::now();
        bare.execute_batch("BEGIN IMMEDIATE")?;
        bare.execute(
            "INSERT OR REPLACE INTO t (k, v) VALUES (?1, ?2)",
            rusqlite::params![(n % 13) as i64, format!("{n}")],
        )?;
        bare.execute_batch("COMMIT")?;
        theirs.push(start.elapsed());
    }
    let (_, ours_p99) = crate::cli::bench::figures::stats(ours);
    let (_, bare_p99) = crate::cli::bench::figures::stats(theirs);
    rows.push(Row {
        what: "保存一次勾选 p99（含变更记录与 fsync，400 次）".to_owned(),
        ours: ms(ours_p99),
        peer: Ok(("SQLite 单行提交（WAL + FULL）p99".to_owned(), ms(bare_p99))),
        unit: "ms",
        most: None,
        most_ratio: Some(2.0),
    });
    Ok(())
}

/// 5. A field package imported at the office against `sqlite3 .backup` of the laptop's file,
///    and the floor of any row-by-row import beside it (SQLite applying the same changes).
pub(super) fn packages(dir: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let made = crate::cli::bench::packages::run(dir)?;
    let sqlite3 = installed("sqlite3", &["-version"]);
    let mut n = 0;
    let mut ours = || {
        n += 1;
        crate::cli::bench::packages::import_at_office(
            &dir.join(format!("office-{n}.db")),
            &made.package,
        )
    };
    let copy = dir.join("backup.db");
    let mut peer = || {
        let _ = std::fs::remove_file(&copy);
        whole(
            Command::new("sqlite3")
                .arg(&made.laptop)
                .arg(format!(".backup '{}'", copy.display())),
        )
    };
    let (ours, peer) = interleaved(
        3,
        &mut ours,
        sqlite3.then_some(&mut peer as &mut dyn FnMut() -> _),
    )?;
    // The floor: SQLite's own changeset apply of the same entries, with no checks.
    let mut k = 0;
    let mut floor = || {
        k += 1;
        crate::cli::bench::packages::sqlite_apply_at_office(
            &dir.join(format!("floor-{k}.db")),
            &made.package,
        )
    };
    let (floor, _) = interleaved(3, &mut floor, None)?;
    rows.push(Row {
        what: "导入外业数据包（1000 个小区、10000 次勾选、200 张照片）".to_owned(),
        ours: ms(ours),
        peer: peer
            .map(|p| ("sqlite3 .backup 外业电脑的文件".to_owned(), ms(p)))
            .ok_or_else(|| "未安装 sqlite3".to_owned()),
        unit: "ms",
        most: None,
        most_ratio: Some(3.0),
    });
    rows.push(Row {
        what: "　其下限：SQLite 自带的变更集应用（同样的变更与照片，不做任何核对、合并与记账）"
            .to_owned(),
        ours: ms(floor),
        peer: peer
            .map(|p| ("sqlite3 .backup 外业电脑的文件".to_owned(), ms(p)))
            .ok_or_else(|| "未安装 sqlite3".to_owned()),
        unit: "ms",
        most: None,
        most_ratio: None,
    });
    Ok(())
}

/// 6. One 12 MP photo read and prepared (2000 px and a thumbnail) against ImageMagick's
///    fastest way (decoding at a reduced size) and vipsthumbnail, each making the 2000 px
///    copy only, whole processes; and the floor beside them (libjpeg-turbo, their decoder,
///    only decoding the same file at half size).
pub(super) fn photos(dir: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let original = dir.join("camera.jpg");
    std::fs::write(&original, crate::cli::bench::photos::camera_jpeg()?)?;
    let mut ours = || {
        let start = Instant::now();
        crate::import::photo::import_file(&original)?;
        Ok(start.elapsed())
    };
    let magick_out = dir.join("magick.jpg");
    let mut magick = || {
        whole(
            Command::new("convert")
                .args(["-define", "jpeg:size=2000x1500"])
                .arg(&original)
                .args(["-auto-orient", "-resize", "2000x2000>", "-quality", "85"])
                .arg(&magick_out),
        )
    };
    let vips_out = dir.join("vips.jpg");
    let mut vips = || {
        whole(
            Command::new("vipsthumbnail")
                .arg(&original)
                .args(["-s", "2000", "-o"])
                .arg(format!("{}[Q=85]", vips_out.display())),
        )
    };
    let has_magick = installed("convert", &["-version"]);
    let has_vips = installed("vipsthumbnail", &["--vips-version"]);
    let (ours_m, peer_m) = interleaved(
        7,
        &mut ours,
        has_magick.then_some(&mut magick as &mut dyn FnMut() -> _),
    )?;
    let (ours_v, peer_v) = interleaved(
        7,
        &mut ours,
        has_vips.then_some(&mut vips as &mut dyn FnMut() -> _),
    )?;
    rows.push(Row {
        what: "一张 4000×3000 照片：读文件、2000 px 副本与缩略图（对照只做 2000 px）".to_owned(),
        ours: ms(ours_m),
        peer: peer_m
            .map(|p| ("ImageMagick，按缩小尺寸解码".to_owned(), ms(p)))
            .ok_or_else(|| "未安装 ImageMagick".to_owned()),
        unit: "ms",
        most: None,
        most_ratio: Some(0.5),
    });
    rows.push(Row {
        what: "同上，对照 vipsthumbnail".to_owned(),
        ours: ms(ours_v),
        peer: peer_v
            .map(|p| ("vipsthumbnail".to_owned(), ms(p)))
            .ok_or_else(|| "未安装 vipsthumbnail（libvips-tools）".to_owned()),
        unit: "ms",
        most: None,
        most_ratio: Some(1.0 / 3.0),
    });
    // The floor: libjpeg-turbo (the decoder ImageMagick and vips use) decoding the same file
    // at half size and nothing else.
    if installed("djpeg", &["-version"]) {
        let mut djpeg = || {
            whole(
                Command::new("djpeg")
                    .args(["-scale", "1/2", "-outfile", "/dev/null"])
                    .arg(&original),
            )
        };
        let (floor, peer) = interleaved(
            7,
            &mut djpeg,
            has_magick.then_some(&mut magick as &mut dyn FnMut() -> _),
        )?;
        rows.push(Row {
            what: "　其下限：libjpeg-turbo 只按 1/2 解码同一文件（djpeg -scale 1/2，整个进程）"
                .to_owned(),
            ours: ms(floor),
            peer: peer
                .map(|p| ("ImageMagick，按缩小尺寸解码".to_owned(), ms(p)))
                .ok_or_else(|| "未安装 ImageMagick".to_owned()),
            unit: "ms",
            most: None,
            most_ratio: None,
        });
    } else {
        outln!("未安装 djpeg（libjpeg-turbo-progs）：未测照片解码的下限。");
    }
    Ok(())
}

/// 7. The whole `yanshou bench`, its peak memory.
pub(super) fn bench_memory(exe: &Path, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    outln!("（运行整个 yanshou bench 以测峰值内存，约 1 分钟）");
    let peak = peak_of(Command::new(exe).args(["bench", "--iterations", "100"]))?;
    rows.push(Row {
        what: "整个 `yanshou bench`，峰值内存".to_owned(),
        ours: peak,
        peer: Err("—".to_owned()),
        unit: "MB",
        most: Some(300.0),
        most_ratio: None,
    });
    Ok(())
}
