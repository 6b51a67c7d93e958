//! The paper trail back in: a signed sheet, printed (rendered with pdftoppm) and brought back
//! as a scan or a phone's photo (rotated, blurred, darkened, compressed, at an angle: made with
//! ImageMagick), is read by its QR and matched to its record; a sheet from another file, from a
//! record changed since, or a draft is not.

use std::path::{Path, PathBuf};
use std::process::Command;

use yanshou::cli::selftest;

fn yanshou(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yanshou"))
        .env_remove("RUST_LOG")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run yanshou")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The first page of `id`'s sheet from `db`, rendered at `dpi` as a PNG.
fn printed(db: &Path, id: &str, dpi: u32, dir: &Path) -> PathBuf {
    let pdf = dir.join(format!("{id}.pdf"));
    let out = yanshou(
        db,
        &[
            "export-pdf",
            "--inspection",
            id,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stem = dir.join(format!("{id}-{dpi}"));
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&stem)
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let png = dir.join(format!("{id}-{dpi}-1.png"));
    assert!(png.exists(), "{}", png.display());
    png
}

/// `source` through ImageMagick's `args`, written as `name`.
fn degraded(source: &Path, args: &[&str], name: &str) -> PathBuf {
    let out = source.with_file_name(name);
    let status = Command::new("convert")
        .arg(source)
        .args(args)
        .arg(&out)
        .status()
        .expect("ImageMagick's convert runs (package imagemagick)");
    assert!(status.success(), "convert {args:?}");
    out
}

#[test]
fn a_scan_or_photo_of_a_signed_sheet_matches_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id, code) = selftest::tamper::signed_record(dir.path()).unwrap();
    let id = id.to_string();
    let scan = printed(&db, &id, 300, dir.path());
    let low = printed(&db, &id, 150, dir.path());
    // A flatbed scan at 300 dpi and at 150 dpi, and photographs of it.
    let photos = [
        scan.clone(),
        low,
        degraded(&scan, &["-rotate", "4", "-quality", "60"], "crooked.jpg"),
        degraded(&scan, &["-blur", "0x2", "-quality", "50"], "blurred.jpg"),
        degraded(
            &scan,
            &["-brightness-contrast", "-30x-20", "-quality", "50"],
            "dim.jpg",
        ),
        degraded(
            &scan,
            &[
                "(",
                "-size",
                "2480x3508",
                "gradient:white-gray40",
                ")",
                "-compose",
                "multiply",
                "-composite",
                "-rotate",
                "-5",
                "-attenuate",
                "0.6",
                "+noise",
                "Gaussian",
                "-blur",
                "0x1",
                "-quality",
                "45",
            ],
            "unevenly-lit.jpg",
        ),
        degraded(
            &scan,
            &[
                "-distort",
                "Perspective",
                "0,0 60,80  2480,0 2380,30  0,3508 20,3400  2480,3508 2450,3480",
                "-rotate",
                "3",
                "-blur",
                "0x2",
                "-fill",
                "black",
                "-colorize",
                "35%",
                "-quality",
                "40",
            ],
            "phone.jpg",
        ),
    ];
    for photo in &photos {
        let out = yanshou(&db, &["verify", "--image", photo.to_str().unwrap()]);
        let said = text(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {said}{}",
            photo.display(),
            text(&out.stderr)
        );
        assert!(
            said.contains(&format!("纸上的校验码 {code}：一致：")),
            "{}: {said}",
            photo.display()
        );
    }

    // The same sheet against another file: its record is not there.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, _, _) = selftest::tamper::signed_record(other_dir.path()).unwrap();
    let out = yanshou(&other, &["verify", "--image", photos[2].to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("本数据库中没有这张纸上的记录"),
        "{}",
        text(&out.stdout)
    );

    // The record changed after the sheet was printed: the paper no longer matches it.
    selftest::tamper::tamper(
        &db,
        "UPDATE inspection_item SET remark = '改过' WHERE position = 0",
    )
    .unwrap();
    let out = yanshou(&db, &["verify", "--image", photos[2].to_str().unwrap()]);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.contains("不一致") && said.contains("签字后被改动"),
        "{said}"
    );
    assert!(
        text(&out.stderr).contains("核验未通过"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_draft_or_a_picture_without_a_code_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("草稿.db");
    let mut store = yanshou::store::Store::open(&db).unwrap();
    let (_, id) = crate::common::store_with_inspection(&mut store, "草稿小区");
    drop(store);
    // A draft prints no QR (it has no 校验码): nothing to match.
    let draft = printed(&db, &id.to_string(), 200, dir.path());
    let out = yanshou(&db, &["verify", "--image", draft.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("没有找到验收单的二维码"),
        "{}",
        text(&out.stderr)
    );
    // Not a picture at all, and a PDF: each said.
    let notes = dir.path().join("说明.jpg");
    std::fs::write(&notes, "不是图片").unwrap();
    let out = yanshou(&db, &["verify", "--image", notes.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("不是可识别的图片"),
        "{}",
        text(&out.stderr)
    );
    let pdf = dir.path().join(format!("{id}.pdf"));
    let out = yanshou(&db, &["verify", "--image", pdf.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("是 PDF"),
        "{}",
        text(&out.stderr)
    );
}
