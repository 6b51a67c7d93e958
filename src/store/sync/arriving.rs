//! What a package brings, checked as it is applied: limits on its rows and values, every
//! arriving compound and cluster held to the form's rules, and whose fault an error is (the
//! package's, said in Chinese, or this file's own).

use rusqlite::{Connection, OptionalExtension};

use super::changeset::Change;
use crate::store::{Store, StoreError};

/// An error met applying entry `seq` of a package: the package's fault, said so in Chinese,
/// unless it is this file's own trouble (a full disk, a read-only or locked file, a failing
/// disk, a damaged file), which keeps its own message.
pub(super) fn blame_package(
    e: StoreError,
    conn: &Connection,
    file_name: &str,
    seq: i64,
) -> StoreError {
    use rusqlite::ErrorCode as Code;
    let entry = match seq {
        0 => "全部数据".to_owned(),
        n => format!("第 {n} 号变更"),
    };
    let damaged = |what: &str| {
        StoreError::refused(format!(
            "数据包“{file_name}”中的{entry}无法应用（{what}）：数据包已损坏，或不是本程序完整导出的。已拒绝，本机数据未改动。请让对方重新导出一份。"
        ))
    };
    let inner = match &e {
        StoreError::Sqlite(inner) => inner,
        // Damage met while applying is the package's, unless this file is damaged itself.
        StoreError::Corrupt(detail) => {
            let here_ok = conn
                .query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
                .is_ok_and(|c| c == "ok");
            if !here_ok {
                return e;
            }
            tracing::warn!(detail, seq, "package entry refused");
            return damaged("变更数据已损坏");
        }
        _ => return e,
    };
    tracing::warn!(error = %inner, seq, "package entry refused");
    match inner.sqlite_error_code() {
        Some(Code::DatabaseCorrupt) => damaged("变更数据已损坏"),
        Some(Code::TypeMismatch) => damaged("字段的类型不对"),
        Some(Code::TooBig) => damaged("内容过大"),
        // Two machines can each make a row another rule forbids beside it (one score per
        // unit and quarter): neither side's fault alone.
        Some(Code::ConstraintViolation) => StoreError::refused(format!(
            "数据包“{file_name}”中的{entry}与本机的记录矛盾（有记录缺少必填内容，或与本机已有的记录重复）：已拒绝，本机数据未改动。请把此数据包和本机文件一并交技术支持核查。"
        )),
        // Anything else is this file's or this program's trouble, said as such.
        _ => e,
    }
}

/// The most rows one package may bring (a county's whole register is some 3,000 compounds;
/// 200,000 in one entry was a forged package).
const MAX_ROWS: usize = 2_000_000;
/// The largest value a row may hold: a photo as the app stores it is under 2 MB.
const MAX_BLOB: usize = 32 * 1024 * 1024;
/// The longest text: a remark or a name is far shorter.
const MAX_TEXT: usize = 1024 * 1024;

/// What is wrong with the size of a package's changes (`rows` so far, these included).
pub(super) fn over_limits(changes: &[Change], rows: usize) -> Option<String> {
    use rusqlite::types::Value;
    if rows > MAX_ROWS {
        return Some(format!("使数据包的记录超过 {MAX_ROWS} 行"));
    }
    for change in changes {
        for value in change.new.iter().chain(&change.old).flatten() {
            match value {
                Value::Blob(b) if b.len() > MAX_BLOB => {
                    return Some(format!(
                        "中有一项内容 {} MB（{} 表），超过了 {} MB 的上限",
                        b.len() / 1_048_576,
                        change.table,
                        MAX_BLOB / 1_048_576
                    ));
                }
                Value::Text(t) if t.len() > MAX_TEXT => {
                    return Some(format!(
                        "中有一段文字长 {} KB（{} 表），超过了 {} KB 的上限",
                        t.len() / 1024,
                        change.table,
                        MAX_TEXT / 1024
                    ));
                }
                _ => {}
            }
        }
    }
    None
}

/// The compounds and clusters a package adds: each is checked as the form checks it before
/// the package is taken (a change to one already here is not: it may hold what older rules
/// let in).
#[derive(Default)]
pub(super) struct Arriving {
    compounds: std::collections::BTreeSet<String>,
    clusters: std::collections::BTreeSet<String>,
}

impl Arriving {
    pub(super) fn note(&mut self, changes: &[Change]) {
        use rusqlite::hooks::Action;
        use rusqlite::types::Value;
        for change in changes {
            let key = match change.op {
                Action::SQLITE_INSERT => change.new.first(),
                _ => None,
            };
            let Some(Some(Value::Text(id))) = key else {
                continue;
            };
            if change.table == "compound" {
                self.compounds.insert(id.clone());
            } else if change.table == "cluster" {
                self.clusters.insert(id.clone());
            }
        }
    }

    /// Refuses the package if a compound or cluster it brings would be refused by the form.
    pub(super) fn check(&self, store: &Store, file_name: &str) -> Result<(), StoreError> {
        let today = crate::store::today();
        let refuse = |what: String| {
            StoreError::refused(format!(
                "数据包“{file_name}”中的{what}：本程序登记时不接受这样的记录。已拒绝，本机数据未改动。请对方在其电脑上改正后重新导出。"
            ))
        };
        for id in &self.compounds {
            let Ok(id) = id.parse() else {
                return Err(refuse(format!("小区编号“{id}”无效")));
            };
            // A compound the package also deleted is not here to check.
            let compound = match store.compound(id) {
                Ok(compound) => compound,
                Err(StoreError::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            if let Err(errors) = compound.check(today) {
                let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                return Err(refuse(format!(
                    "小区“{}”：{}",
                    compound.name.trim(),
                    messages.join("；")
                )));
            }
        }
        for id in &self.clusters {
            let name: Option<(String, Option<i32>)> = store
                .conn
                .query_row(
                    "SELECT name, plan_year FROM cluster WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((name, year)) = name else {
                continue;
            };
            if let Err(e) = crate::model::validate::name("片区名称", &name) {
                return Err(refuse(e.about(&format!("片区“{}”", name.trim())).into()));
            }
            if let Some(year) = year
                && let Err(e) = crate::model::validate::plan_year(year, today)
            {
                return Err(refuse(e.about(&format!("片区“{}”", name.trim())).into()));
            }
        }
        Ok(())
    }
}
