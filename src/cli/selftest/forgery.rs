//! Attacks beyond editing one file: a laptop's record sealed again at the office in its name,
//! a forged signature, forged and impostor packages, rows pushed into a signed record, an export
//! over the database, a wrong backup restored and a hostile spreadsheet. Every one must be
//! refused (the file byte-identical) or flagged.

use std::path::Path;

use crate::export::Document;
use crate::job::Progress;
use crate::model::seal::Finding;
use crate::model::sync::Role;
use crate::model::{Clock, SealCheck};
use crate::store::Store;
use crate::store::sync::Scope;

/// A file with an identity, for the package attacks.
struct Machine {
    store: Store,
    path: std::path::PathBuf,
}

impl Machine {
    fn new(dir: &Path, name: &str, role: Role) -> anyhow::Result<Self> {
        let path = dir.join(format!("{name}.db"));
        let mut store = Store::open(&path)?;
        store.set_identity(name, role)?;
        Ok(Self { store, path })
    }

    /// A package of everything new here, written to `dir/name`.
    fn send(&self, dir: &Path, name: &str) -> anyhow::Result<std::path::PathBuf> {
        let path = dir.join(name);
        let outcome = Document::FieldPackage {
            destination: None,
            scope: Scope::Changes,
        }
        .write(&self.store, &path, &Clock::local(), &Progress::unobserved());
        if let Some(error) = outcome.error {
            return Err(error.into());
        }
        Ok(path)
    }

    fn receive(&mut self, package: &Path) -> anyhow::Result<()> {
        let read = crate::import::package::read_package(package)?;
        self.store.import_package(&read, "自检.yspkg")?;
        Ok(())
    }
}

/// A laptop signs a record (the tamper selftest's: a failed item, its rectification and a
/// photo) and sends it to the office, which imports it.
fn signed_at_the_office(
    dir: &Path,
) -> anyhow::Result<(Machine, Machine, crate::model::InspectionId, String)> {
    let mut office = Machine::new(dir, "自检县办", Role::Office)?;
    let (path, id, code) = super::tamper::signed_record(dir)?;
    let mut store = Store::open(&path)?;
    store.set_identity("自检外业", Role::Field)?;
    let laptop = Machine { store, path };
    let package = laptop.send(dir, "laptop.yspkg")?;
    office.receive(&package)?;
    Ok((laptop, office, id, code))
}

/// One attack: `None` when it was refused or flagged, else what got through.
type Attack = fn() -> anyhow::Result<Option<String>>;

/// Runs every attack; returns how many were tried and those not caught.
pub fn run() -> anyhow::Result<(usize, Vec<String>)> {
    let attacks: [(&str, Attack); 8] = [
        (
            "在县办以外业电脑的名义重新签字",
            resealed_in_the_laptops_name,
        ),
        ("电子签名被换", signature_replaced),
        ("数据包清单被改（冒充发送方）", manifest_edited),
        ("另一台电脑冒充已知电脑", impostor_package),
        ("向已签字记录插入检查项", item_inserted),
        ("导出文件覆盖数据库", export_over_the_database),
        ("用更新版本的备份恢复", newer_backup_restored),
        ("表格在 XFD1048576 有一格", far_cell_register),
    ];
    let mut missed = Vec::new();
    for (what, attack) in attacks {
        match attack() {
            Ok(None) => {}
            Ok(Some(why)) => missed.push(format!("{what}：{why}")),
            Err(e) => missed.push(format!("{what}：自检本身出错：{e:#}")),
        }
    }
    Ok((attacks.len(), missed))
}

fn resealed_in_the_laptops_name() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let (laptop, office, id, printed) = signed_at_the_office(dir.path())?;
    let laptop_id = laptop.store.identity()?.map(|i| i.id).unwrap_or_default();
    let office_id = office.store.identity()?.map(|i| i.id).unwrap_or_default();
    let path = office.path.clone();
    drop(office);
    super::tamper::tamper(
        &path,
        &format!(
            "DELETE FROM seal_log;
             UPDATE inspection SET seal = NULL, signed_off_at = NULL, seal_version = NULL,
                 sealed_by = NULL, seal_key = NULL, seal_signature = NULL WHERE id = '{id}';
             UPDATE inspection_item SET remark = '改过' WHERE code = 'XQ-LZ-01';
             UPDATE device SET id = '{laptop_id}';"
        ),
    )?;
    Store::open(&path)?.sign_off(id)?;
    super::tamper::tamper(&path, &format!("UPDATE device SET id = '{office_id}'"))?;
    let store = Store::open_read_only(&path)?;
    let flagged = matches!(
        store.check_seal(id)?,
        SealCheck::Flagged(Finding::WrongKey { .. })
    );
    let by_code = store.find_by_code(&printed)?;
    let paper_fails = by_code.iter().all(|(_, c)| c.finding().is_some());
    Ok((!(flagged && paper_fails)).then(|| format!("核验为 {:?}", store.check_seal(id))))
}

fn signature_replaced() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let (_laptop, office, id, _) = signed_at_the_office(dir.path())?;
    let path = office.path.clone();
    drop(office);
    let forged = crate::model::device_key::DeviceKey::generate().sign(b"other");
    super::tamper::tamper(
        &path,
        &format!("UPDATE inspection SET seal_signature = '{forged}' WHERE id = '{id}'"),
    )?;
    let check = Store::open_read_only(&path)?.check_seal(id)?;
    Ok(
        (!matches!(check, SealCheck::Flagged(Finding::BadSignature { .. })))
            .then(|| format!("核验为 {check:?}")),
    )
}

/// `package` edited by `sql`, then offered to a new office: refused, the office unchanged.
fn refused_at_a_new_office(
    dir: &Path,
    package: &Path,
    office: Option<Machine>,
) -> anyhow::Result<Option<String>> {
    let mut office = match office {
        Some(o) => o,
        None => Machine::new(dir, "另一县办", Role::Office)?,
    };
    let before = std::fs::read(&office.path)?;
    let result = office.receive(package);
    let after = std::fs::read(&office.path)?;
    Ok(match result {
        Ok(()) => Some("被导入了".to_owned()),
        Err(_) if before != after => Some("被拒绝，但县办文件变了".to_owned()),
        Err(_) => None,
    })
}

fn manifest_edited() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let laptop = Machine::new(dir.path(), "外业L", Role::Field)?;
    let mut store = laptop.store;
    store.save_compound(&super::crash::sample_compound("清单小区"))?;
    let laptop = Machine {
        store,
        path: laptop.path,
    };
    let package = laptop.send(dir.path(), "edited.yspkg")?;
    rusqlite::Connection::open(&package)?.execute(
        "UPDATE manifest SET json = replace(json, '外业L', '外业Z')",
        [],
    )?;
    refused_at_a_new_office(dir.path(), &package, None)
}

fn impostor_package() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let (laptop, office, _, _) = signed_at_the_office(dir.path())?;
    let laptop_id = laptop.store.identity()?.map(|i| i.id).unwrap_or_default();
    let other = tempfile::tempdir()?;
    let impostor_path = {
        let m = Machine::new(other.path(), "自检外业", Role::Field)?;
        m.path
    };
    super::tamper::tamper(
        &impostor_path,
        &format!("UPDATE device SET id = '{laptop_id}'"),
    )?;
    let impostor = Machine {
        store: Store::open(&impostor_path)?,
        path: impostor_path,
    };
    let mut impostor = impostor;
    impostor
        .store
        .save_compound(&super::crash::sample_compound("冒充的小区"))?;
    let package = impostor.send(other.path(), "impostor.yspkg")?;
    refused_at_a_new_office(dir.path(), &package, Some(office))
}

fn item_inserted() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let (path, id, _) = super::tamper::signed_record(dir.path())?;
    // With the locks in place, SQL alone is refused.
    let conn = rusqlite::Connection::open(&path)?;
    let inserted = conn.execute(
        "INSERT INTO inspection_item (inspection_id, position, code, standard_id, group_name,
             standard_text, hint, clause, required, result, remark, updated_at)
         SELECT inspection_id, 99, 'XQ-EXTRA', standard_id, group_name, standard_text, hint,
                clause, required, 'pass', '', updated_at
         FROM inspection_item WHERE inspection_id = ?1 LIMIT 1",
        [id.to_string()],
    );
    drop(conn);
    if inserted.is_ok() {
        return Ok(Some("锁定触发器没有拦住".to_owned()));
    }
    // With the locks dropped, the seal catches it.
    super::tamper::tamper(
        &path,
        &format!(
            "INSERT INTO inspection_item (inspection_id, position, code, standard_id, group_name,
                 standard_text, hint, clause, required, result, remark, updated_at)
             SELECT inspection_id, 99, 'XQ-EXTRA', standard_id, group_name, standard_text, hint,
                    clause, required, 'pass', '', updated_at
             FROM inspection_item WHERE inspection_id = '{id}' LIMIT 1"
        ),
    )?;
    let check = Store::open_read_only(&path)?.check_seal(id)?;
    Ok(check
        .finding()
        .is_none()
        .then(|| format!("核验为 {check:?}")))
}

fn export_over_the_database() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let (path, id, _) = super::tamper::signed_record(dir.path())?;
    let before = std::fs::read(&path)?;
    let store = Store::open_read_only(&path)?;
    let outcome = Document::AcceptanceSheet(id).write(
        &store,
        &path,
        &Clock::local(),
        &Progress::unobserved(),
    );
    drop(store);
    Ok(if outcome.error.is_none() {
        Some("导出没有被拒绝".to_owned())
    } else if std::fs::read(&path)? != before {
        Some("数据库被改动".to_owned())
    } else {
        None
    })
}

fn newer_backup_restored() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let (path, _, _) = super::tamper::signed_record(dir.path())?;
    let backup = dir.path().join("newer.db");
    std::fs::copy(&path, &backup)?;
    rusqlite::Connection::open(&backup)?.execute_batch("PRAGMA user_version = 99")?;
    let before = std::fs::read(&path)?;
    let result = crate::store::backup::restore(
        &path,
        &backup,
        &crate::store::backup::BackupPolicy::default(),
    );
    Ok(match result {
        Ok(_) => Some("被恢复了".to_owned()),
        Err(_) if std::fs::read(&path)? != before => Some("被拒绝，但数据库变了".to_owned()),
        Err(e) if !e.to_string().contains("更新版本") => Some(format!("原因不对：{e}")),
        Err(_) => None,
    })
}

fn far_cell_register() -> anyhow::Result<Option<String>> {
    let dir = tempfile::tempdir()?;
    let far = dir.path().join("远处.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "小区名称")?;
    sheet.write_string(1, 0, "甲小区")?;
    sheet.write_string(1_048_575, 16_383, "x")?;
    book.save(&far)?;
    Ok(match crate::import::register::read_register(&far) {
        Ok(_) => Some("被读成了表格".to_owned()),
        Err(e) if e.to_string().contains("超出") => None,
        Err(e) => Some(format!("原因不对：{e}")),
    })
}
