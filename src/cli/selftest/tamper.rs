//! Tampering as a hostile user with `sqlite3` would: each change to a signed record that its
//! sheet prints or depends on, and un-signing it, made with the lock triggers dropped. Every
//! one must be caught.

use std::path::{Path, PathBuf};

use crate::model::seal::Finding;
use crate::model::signoff::short_code;
use crate::model::{
    Catalogue, Compound, CompoundId, InspectionId, ItemResult, Rectification, RectificationId,
    SealCheck, SignMethod, Subject,
};
use crate::store::Store;

/// The changes tried: what, and the SQL (`{id}` is the record's id).
pub const CASES: [(&str, &str); 13] = [
    ("照片内容被替换", "UPDATE photo SET jpeg = randomblob(2000)"),
    (
        "照片库中的图片被替换",
        "UPDATE photo_bytes SET jpeg = randomblob(2000)",
    ),
    (
        "缩略图被替换",
        "UPDATE photo SET thumbnail = randomblob(500)",
    ),
    (
        "照片文件名被改",
        "UPDATE photo SET file_name = '修复后.jpg'",
    ),
    (
        "照片拍摄时间被改",
        "UPDATE photo SET taken_at = '2020-01-01 08:00:00'",
    ),
    (
        "表头（小区名称）被改",
        "UPDATE inspection SET sealed_header = replace(sealed_header, '自检小区', '别的小区')",
    ),
    (
        "项目类别被改",
        "UPDATE inspection_item SET group_name = '两整改' WHERE code = 'XQ-LZ-01'",
    ),
    (
        "依据条款被改",
        "UPDATE inspection_item SET clause = '无' WHERE code = 'XQ-LZ-01'",
    ),
    (
        "提示被改",
        "UPDATE inspection_item SET hint = '' WHERE code = 'XQ-LZ-01'",
    ),
    (
        "结果被改",
        "UPDATE inspection_item SET result = 'pass', remark = '' WHERE code = 'XQ-LZ-01'",
    ),
    (
        "整改要求被改",
        "UPDATE rectification SET requirement = '无需整改'",
    ),
    (
        "签字时间被改",
        "UPDATE inspection SET signed_off_at = '2020-01-01T00:00:00.000Z'",
    ),
    (
        "签字被撤销",
        "UPDATE inspection SET seal = NULL, signed_off_at = NULL WHERE id = '{id}'",
    ),
];

/// A signed compound record in a file of its own: one item 不合格 with its rectification and
/// a photo. Returns the file, the record and its printed code.
pub fn signed_record(dir: &Path) -> anyhow::Result<(PathBuf, InspectionId, String)> {
    let path = dir.join("tamper.db");
    let mut store = Store::open(&path)?;
    let compound = Compound {
        id: CompoundId::new(),
        name: "自检小区".to_owned(),
        address: "永宁大道 1 号".to_owned(),
        town_id: None,
        owner_unit: "县直单位".to_owned(),
        year_built: Some(1995),
        buildings: Some(3),
        households: Some(72),
        cluster_id: None,
        is_sample: false,
    };
    store.save_compound(&compound)?;
    let parties = ["建设单位".to_owned(), "施工单位".to_owned()];
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let id = store.start_inspection(
        Subject::Compound(compound.id),
        Catalogue::current(),
        day,
        "自检",
        &parties,
    )?;
    for item in store.inspection(id)?.items {
        let result = if item.standard.code == "XQ-LZ-01" {
            ItemResult::Fail
        } else {
            ItemResult::Pass
        };
        store.record_result(id, &item.standard.code, Some(result))?;
    }
    store.record_remark(id, "XQ-LZ-01", "3 号楼前路面塌陷")?;
    store.save_rectification(&Rectification {
        id: RectificationId::new(),
        inspection_id: id,
        item_code: "XQ-LZ-01".into(),
        requirement: "重新铺设".into(),
        responsible_unit: "施工单位".into(),
        deadline: chrono::Local::now().date_naive(),
    })?;
    let picture = image::RgbImage::from_pixel(200, 150, image::Rgb([120, 90, 60]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut bytes, image::ImageFormat::Jpeg)?;
    let photo = crate::import::photo::prepare(&bytes.into_inner(), "塌陷.jpg")?;
    store.add_photos(id, "XQ-LZ-01", &[photo])?;
    for position in 0..2 {
        store.sign(id, position, "签字人", &SignMethod::WetInk)?;
    }
    let seal = store.sign_off(id)?;
    Ok((path, id, short_code(&seal)))
}

/// Runs `sql` on the file as `sqlite3` would, every trigger dropped first.
pub fn tamper(path: &Path, sql: &str) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(path)?;
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\""))?;
    }
    conn.execute_batch(sql)?;
    Ok(())
}

/// Tries every case; returns those not caught (must be none) and how many were tried.
pub fn run() -> anyhow::Result<(usize, Vec<String>)> {
    let mut missed = Vec::new();
    for (what, sql) in CASES {
        let dir = tempfile::tempdir()?;
        let (path, id, code) = signed_record(dir.path())?;
        tamper(&path, &sql.replace("{id}", &id.to_string()))?;
        let store = Store::open_read_only(&path)?;
        let check = store.check_seal(id)?;
        let by_code = store.find_by_code(&code)?;
        let audit = store.audit()?;
        let caught = check.finding().is_some()
            && by_code.iter().all(|(_, c)| c.finding().is_some())
            && !by_code.is_empty()
            && audit.finding(id).is_some();
        if !caught {
            missed.push(format!("{what}：{check:?}"));
        }
    }
    // A changed log entry breaks the chain.
    let dir = tempfile::tempdir()?;
    let (path, _, _) = signed_record(dir.path())?;
    tamper(
        &path,
        "UPDATE seal_log SET signed_off_at = '2020-01-01T00:00:00Z'",
    )?;
    if Store::open_read_only(&path)?.audit()?.broken_log.is_empty() {
        missed.push("签字日志被改：未发现".to_owned());
    }
    // A deleted signed record is remembered by the log.
    let dir = tempfile::tempdir()?;
    let (path, id, _) = signed_record(dir.path())?;
    tamper(&path, &format!("DELETE FROM inspection WHERE id = '{id}'"))?;
    if !matches!(
        Store::open_read_only(&path)?.audit()?.finding(id),
        Some(Finding::Deleted { .. })
    ) {
        missed.push("已签字的记录被删除：未发现".to_owned());
    }
    let tried = CASES.len() + 2;
    // An untouched record must not be flagged (no false alarm).
    let dir = tempfile::tempdir()?;
    let (path, id, code) = signed_record(dir.path())?;
    if Store::open_read_only(&path)?.check_seal(id)? != (SealCheck::Intact { code }) {
        missed.push("未改动的记录被误报".to_owned());
    }
    Ok((tried, missed))
}
