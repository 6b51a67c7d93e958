//! Every document the app writes is a `Document`: it knows its title, its format, the name it
//! suggests for its file, and how to read an owned snapshot from the store and render it. The
//! path prompt, the commands, the CLI and the background job all take this one type, so a new
//! report is one variant here and one file beside this one.

use std::path::{Path, PathBuf};

use super::{
    AcceptanceSheet, ExportError, FinalSheet, OverallSheet, SurveySheet, render_acceptance_sheet,
    render_final_sheet, render_overall_sheet, render_rectification_notice, render_survey_sheet,
    write_file_atomically,
};
use crate::job::Progress;
use chrono::NaiveDate;

use crate::model::rhythm::{Month, Quarter};
use crate::model::{Clock, ClusterId, Inspection, InspectionId, Subject, SurveyId};
use crate::store::sync::Scope;
use crate::store::{Store, StoreError};

/// A document the app can write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Document {
    /// 验收单 of one round (a compound's or a cluster's).
    AcceptanceSheet(InspectionId),
    /// 整改通知单 of one round.
    RectificationNotice(InspectionId),
    /// 验收总表 of the acceptance a round belongs to: every round on one sheet.
    FinalSheet(InspectionId),
    /// 调查表 of one compound survey round.
    SurveyForm(SurveyId),
    /// 综合验收汇总表 of a cluster.
    OverallSummary(ClusterId),
    /// Every signed-off acceptance sheet of a cluster and its compounds, one file each, into
    /// a folder.
    SignedSheets(ClusterId),
    /// A field package for a peer (its id; `None` for a machine not met yet).
    FieldPackage {
        destination: Option<String>,
        scope: Scope,
    },
    /// The office's 台账 of every compound (.xlsx).
    Ledger,
    /// The day's 日通报, as a PDF or (`xlsx`) a workbook.
    Bulletin { date: NaiveDate, xlsx: bool },
    /// The 进度报表 with its charts (PDF).
    ProgressReport,
    /// The progress table (.xlsx).
    ProgressTable,
    /// The funding summary (.xlsx).
    FundingSummary,
    /// A month's 观摩安排 (PDF).
    ObservationPlan(Month),
    /// A quarter's 考评表 with ranking (.xlsx).
    QuarterEvaluation(Quarter),
}

/// A document's file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    /// A field package (`.yspkg`).
    Package,
    /// An Excel workbook (`.xlsx`), for WPS, Excel and LibreOffice.
    Xlsx,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Package => "yspkg",
            Self::Xlsx => "xlsx",
        }
    }

    /// The name of the file-type filter in a save dialog.
    pub fn filter_name(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Package => "验收数据包",
            Self::Xlsx => "Excel 工作簿",
        }
    }
}

/// What writing a document did: the files written (path, bytes), whether the user stopped it,
/// and why it stopped early.
#[derive(Debug, Default)]
pub struct ExportOutcome {
    pub written: Vec<(PathBuf, usize)>,
    pub cancelled: bool,
    pub error: Option<ExportError>,
    /// For a field package: what it holds (the file then records it as sent).
    pub package: Option<Box<crate::model::sync::Manifest>>,
}

impl ExportOutcome {
    /// One line for the status bar.
    pub fn summary(&self) -> String {
        let written = match self.written.as_slice() {
            [] => String::new(),
            [(path, size)] => format!("已导出：{}（{} KB）", path.display(), size.div_ceil(1024)),
            many => {
                let folder = many[0]
                    .0
                    .parent()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                format!("已导出 {} 份到 {folder}", many.len())
            }
        };
        match (&self.error, self.cancelled) {
            (Some(error), _) => format!("{written} {error}").trim().to_owned(),
            (None, true) => format!("已取消导出。{written}"),
            (None, false) => written,
        }
    }
}

impl Document {
    /// The title of its save dialog.
    pub fn title(&self) -> &'static str {
        match self {
            Self::AcceptanceSheet(_) => "导出验收单 PDF",
            Self::RectificationNotice(_) => "导出整改通知单 PDF",
            Self::FinalSheet(_) => "导出验收总表 PDF",
            Self::SurveyForm(_) => "导出调查表 PDF",
            Self::OverallSummary(_) => "导出综合验收汇总表 PDF",
            Self::SignedSheets(_) => "选择导出文件夹",
            Self::FieldPackage { .. } => "导出外业数据包",
            Self::Ledger => "导出台账（Excel）",
            Self::Bulletin { xlsx: false, .. } => "导出日通报 PDF",
            Self::Bulletin { xlsx: true, .. } => "导出日通报（Excel）",
            Self::ProgressReport => "导出进度报表 PDF",
            Self::ProgressTable => "导出进度表（Excel）",
            Self::FundingSummary => "导出资金汇总（Excel）",
            Self::ObservationPlan(_) => "导出观摩安排 PDF",
            Self::QuarterEvaluation(_) => "导出季度考评表（Excel）",
        }
    }

    /// The menu or button text of exporting it.
    pub fn label(&self) -> &'static str {
        match self {
            Self::AcceptanceSheet(_) => "导出验收单 PDF…",
            Self::RectificationNotice(_) => "导出整改通知单 PDF…",
            Self::FinalSheet(_) => "导出验收总表 PDF…",
            Self::SurveyForm(_) => "导出调查表 PDF…",
            Self::OverallSummary(_) => "导出综合验收汇总表 PDF…",
            Self::SignedSheets(_) => "批量导出已签字验收单…",
            Self::FieldPackage {
                scope: Scope::Everything { .. },
                ..
            } => "导出全部数据（新电脑）…",
            Self::FieldPackage { .. } => "导出外业数据包…",
            Self::Ledger => "导出台账（Excel）…",
            Self::Bulletin { xlsx: false, .. } => "导出日通报 PDF…",
            Self::Bulletin { xlsx: true, .. } => "导出日通报（Excel）…",
            Self::ProgressReport => "导出进度报表 PDF…",
            Self::ProgressTable => "导出进度表（Excel）…",
            Self::FundingSummary => "导出资金汇总（Excel）…",
            Self::ObservationPlan(_) => "导出观摩安排 PDF…",
            Self::QuarterEvaluation(_) => "导出季度考评表（Excel）…",
        }
    }

    /// What it is, for a tooltip.
    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::AcceptanceSheet(_) => "生成可打印、签字的 A4 验收单",
            Self::RectificationNotice(_) => "本轮不合格项目的整改要求、责任单位和期限",
            Self::FinalSheet(_) => {
                "这次验收的全部轮次汇成一张：逐项各轮结果与最终结果、整改情况、各轮校验码，最后签字"
            }
            Self::SurveyForm(_) => "生成可打印的 A4 调查表，含资格结论与改造需求",
            Self::OverallSummary(_) => {
                "片区内各小区的验收结论、校验码与整改情况，以及片区验收结论，一张汇总表"
            }
            Self::SignedSheets(_) => "片区及其各小区所有已签字的验收单，每份一个文件",
            Self::FieldPackage {
                scope: Scope::Everything { .. },
                ..
            } => "本机的全部记录（所选乡镇的小区，或全县），一个文件：新电脑导入后即可开始工作",
            Self::FieldPackage { .. } => {
                "本机尚未发给对方的全部变更（含照片），一个文件：用 U 盘或微信带给对方导入"
            }
            Self::Ledger => {
                "全部小区一行一个：名册、改造资格、调查、验收阶段；可在 WPS、Excel 中打开，也可再导入"
            }
            Self::Bulletin { .. } => {
                "当日各单位报送的工作、好的做法和需协调事项，前期未办结事项结转，当日办结事项"
            }
            Self::ProgressReport => {
                "按年度、乡镇、片区对照目标任务的完成情况，含图表和资金汇总，可打印"
            }
            Self::ProgressTable => "按年度、乡镇、片区的进度数字及计入的每个小区",
            Self::FundingSummary => "资金明细，以及按年度、乡镇和资金来源的汇总",
            Self::ObservationPlan(_) => "本月观摩路线：各站小区、地址、观摩要点和进展，可打印",
            Self::QuarterEvaluation(_) => "各单位本季度得分、记录中的依据、排名和通报表扬/批评名单",
        }
    }

    /// What the status bar says while it is written.
    pub fn progress_text(&self) -> &'static str {
        match self {
            Self::AcceptanceSheet(_) => "正在导出验收单…",
            Self::RectificationNotice(_) => "正在导出整改通知单…",
            Self::FinalSheet(_) => "正在导出验收总表…",
            Self::SurveyForm(_) => "正在导出调查表…",
            Self::OverallSummary(_) => "正在导出综合验收汇总表…",
            Self::SignedSheets(_) => "正在批量导出验收单…",
            Self::FieldPackage { .. } => "正在导出数据包…",
            Self::Ledger => "正在导出台账…",
            Self::Bulletin { .. } => "正在导出日通报…",
            Self::ProgressReport => "正在导出进度报表…",
            Self::ProgressTable => "正在导出进度表…",
            Self::FundingSummary => "正在导出资金汇总…",
            Self::ObservationPlan(_) => "正在导出观摩安排…",
            Self::QuarterEvaluation(_) => "正在导出季度考评表…",
        }
    }

    pub fn format(&self) -> Format {
        match self {
            Self::AcceptanceSheet(_)
            | Self::RectificationNotice(_)
            | Self::FinalSheet(_)
            | Self::SurveyForm(_)
            | Self::OverallSummary(_)
            | Self::SignedSheets(_)
            | Self::Bulletin { xlsx: false, .. }
            | Self::ProgressReport
            | Self::ObservationPlan(_) => Format::Pdf,
            Self::FieldPackage { .. } => Format::Package,
            Self::Ledger
            | Self::Bulletin { xlsx: true, .. }
            | Self::ProgressTable
            | Self::FundingSummary
            | Self::QuarterEvaluation(_) => Format::Xlsx,
        }
    }

    /// Whether it is written as several files into a folder.
    pub fn is_batch(&self) -> bool {
        match self {
            Self::SignedSheets(_) => true,
            Self::AcceptanceSheet(_)
            | Self::RectificationNotice(_)
            | Self::FinalSheet(_)
            | Self::SurveyForm(_)
            | Self::OverallSummary(_)
            | Self::FieldPackage { .. }
            | Self::Ledger
            | Self::Bulletin { .. }
            | Self::ProgressReport
            | Self::ProgressTable
            | Self::FundingSummary
            | Self::ObservationPlan(_)
            | Self::QuarterEvaluation(_) => false,
        }
    }

    /// The name it suggests for its file (or, for a batch, its folder), safe for any file
    /// system. A few small reads.
    pub fn suggested_name(&self, store: &Store, clock: &Clock) -> Result<String, StoreError> {
        let name = match self {
            Self::AcceptanceSheet(id) => {
                let round = store.inspection(*id)?;
                acceptance_sheet_name(&round, &store.subject_name(round.subject)?)
            }
            Self::RectificationNotice(id) => {
                let round = store.inspection(*id)?;
                format!(
                    "整改通知单-{}-{}-第{}轮.pdf",
                    store.subject_name(round.subject)?,
                    round.inspected_on,
                    round.round
                )
            }
            Self::FinalSheet(id) => {
                let chain = store.chain_of(*id)?;
                let (first, latest) = match (chain.rounds.first(), chain.latest()) {
                    (Some(first), Some(latest)) => (first, latest),
                    _ => {
                        return Err(StoreError::NotFound {
                            what: "验收记录",
                            id: id.to_string(),
                        });
                    }
                };
                format!(
                    "{}验收总表-{}-{}-共{}轮.pdf",
                    latest.subject.kind_label(),
                    store.subject_name(latest.subject)?,
                    first.inspected_on,
                    latest.round
                )
            }
            Self::SurveyForm(id) => {
                let survey = store.survey(*id)?;
                let compound = store.compound(survey.compound_id)?;
                format!("调查表-{}-第{}轮.pdf", compound.name, survey.round)
            }
            Self::OverallSummary(id) => {
                format!(
                    "综合验收汇总表-{}-{}.pdf",
                    store.cluster(*id)?.name,
                    clock.today()
                )
            }
            Self::SignedSheets(_) => "验收单".to_owned(),
            Self::FieldPackage { scope, .. } => {
                let me = store.identity()?.map(|i| i.name).unwrap_or_default();
                let stamp = clock.now().format("%Y%m%d-%H%M").to_string();
                let range = match scope {
                    Scope::Everything { .. } => None,
                    Scope::Changes => store.unsent_range(self.destination())?,
                };
                crate::model::sync::package_file_name(&me, &stamp, range)
            }
            Self::Ledger => format!("老旧小区改造台账-{}.xlsx", clock.today()),
            Self::Bulletin { date, xlsx } => {
                format!("日通报-{date}.{}", if *xlsx { "xlsx" } else { "pdf" })
            }
            Self::ProgressReport => format!("进度报表-{}.pdf", clock.today()),
            Self::ProgressTable => format!("进度表-{}.xlsx", clock.today()),
            Self::FundingSummary => format!("资金汇总-{}.xlsx", clock.today()),
            Self::ObservationPlan(month) => format!("观摩安排-{}.pdf", month.code()),
            Self::QuarterEvaluation(q) => format!("季度考评-{}年第{}季度.xlsx", q.year, q.quarter),
        };
        Ok(sanitize_file_name(&name))
    }

    /// The single documents a batch consists of; a single document is its own only part.
    fn parts(&self, store: &Store) -> Result<Vec<Self>, StoreError> {
        match self {
            Self::SignedSheets(cluster) => {
                let mut subjects = vec![Subject::Cluster(*cluster)];
                subjects.extend(
                    store
                        .member_acceptances(*cluster)?
                        .into_iter()
                        .map(|m| Subject::Compound(m.compound_id)),
                );
                let mut parts = Vec::new();
                for subject in subjects {
                    for round in store.inspections_of(subject)? {
                        if !round.signed_off {
                            continue;
                        }
                        parts.push(Self::AcceptanceSheet(round.id));
                        // An acceptance of several rounds, closed by this one: its 验收总表.
                        if round.round > 1
                            && store.chain_of(round.id)?.latest().map(|l| l.id) == Some(round.id)
                        {
                            parts.push(Self::FinalSheet(round.id));
                        }
                    }
                }
                Ok(parts)
            }
            Self::AcceptanceSheet(_)
            | Self::RectificationNotice(_)
            | Self::FinalSheet(_)
            | Self::SurveyForm(_)
            | Self::OverallSummary(_)
            | Self::FieldPackage { .. }
            | Self::Ledger
            | Self::Bulletin { .. }
            | Self::ProgressReport
            | Self::ProgressTable
            | Self::FundingSummary
            | Self::ObservationPlan(_)
            | Self::QuarterEvaluation(_) => Ok(vec![self.clone()]),
        }
    }

    /// Reads the owned snapshot of a single document and renders it, as printed at `clock`'s
    /// moment.
    pub fn render(&self, store: &Store, clock: &Clock) -> Result<Vec<u8>, ExportError> {
        let clock = *clock;
        match self {
            Self::AcceptanceSheet(id) => {
                render_acceptance_sheet(&AcceptanceSheet::load(store, *id, clock)?)
            }
            Self::RectificationNotice(id) => {
                render_rectification_notice(&AcceptanceSheet::load(store, *id, clock)?)
            }
            Self::FinalSheet(id) => render_final_sheet(&FinalSheet::load(store, *id, clock)?),
            Self::SurveyForm(id) => render_survey_sheet(&SurveySheet::load(store, *id, clock)?),
            Self::OverallSummary(id) => {
                render_overall_sheet(&OverallSheet::load(store, *id, clock)?)
            }
            Self::Ledger => workbook(super::ledger::render_ledger(&super::ledger::Ledger::load(
                store,
            )?)),
            Self::Bulletin { date, xlsx } => {
                let sheet = super::bulletin::BulletinSheet::load(store, *date, clock)?;
                if *xlsx {
                    workbook(super::bulletin::render_bulletin_workbook(&sheet))
                } else {
                    super::bulletin::render_bulletin(&sheet)
                }
            }
            Self::ProgressReport => super::progress_report::render_progress_report(
                &super::progress_report::ProgressReport::load(store, clock)?,
            ),
            Self::ProgressTable => workbook(super::progress_report::render_progress_workbook(
                &super::progress_report::ProgressReport::load(store, clock)?,
            )),
            Self::FundingSummary => workbook(super::progress_report::render_funding_workbook(
                &store.funding_rows()?,
            )),
            Self::ObservationPlan(month) => super::rhythm_sheets::render_observation_plan(
                &super::rhythm_sheets::ObservationPlan::load(store, *month, clock)?,
            ),
            Self::QuarterEvaluation(q) => workbook(super::rhythm_sheets::render_quarter_workbook(
                &super::rhythm_sheets::QuarterSheet::load(store, *q)?,
            )),
            Self::SignedSheets(_) | Self::FieldPackage { .. } => Err(ExportError::NotASingleFile),
        }
    }

    /// What rendering it needs, read now (the sheets of a batch); another document is
    /// rendered here.
    fn snapshot(&self, store: &Store, clock: &Clock) -> Result<Snapshot, ExportError> {
        Ok(match self {
            Self::AcceptanceSheet(id) => {
                Snapshot::Acceptance(Box::new(AcceptanceSheet::load(store, *id, *clock)?))
            }
            Self::FinalSheet(id) => {
                Snapshot::Final(Box::new(FinalSheet::load(store, *id, *clock)?))
            }
            other => Snapshot::Rendered(other.render(store, clock)?),
        })
    }

    /// A field package's destination.
    fn destination(&self) -> Option<&str> {
        match self {
            Self::FieldPackage { destination, .. } => destination.as_deref(),
            _ => None,
        }
    }

    /// Writes the document to `path` (a file; for a batch, a folder, created if needed), one
    /// step per file. A batch stops between two files when cancelled, or at the first failure;
    /// what is written stays.
    pub fn write(
        &self,
        store: &Store,
        path: &Path,
        clock: &Clock,
        progress: &Progress,
    ) -> ExportOutcome {
        let mut outcome = ExportOutcome::default();
        let result = (|| -> Result<(), ExportError> {
            if let Self::FieldPackage { destination, scope } = self {
                progress.set_total(2);
                let out = store.outgoing(destination.as_deref(), scope, clock)?;
                progress.advance();
                let size = super::package::write_package(
                    path,
                    &out.signed,
                    &out.entries,
                    &out.photo_bytes,
                )?;
                outcome
                    .written
                    .push((path.to_owned(), usize::try_from(size).unwrap_or(usize::MAX)));
                outcome.package = Some(Box::new(out.manifest));
                progress.advance();
                return Ok(());
            }
            if !self.is_batch() {
                progress.set_total(1);
                let bytes = self.render(store, clock)?;
                write_file_atomically(path, &bytes)?;
                outcome.written.push((path.to_owned(), bytes.len()));
                progress.advance();
                return Ok(());
            }
            let parts = self.parts(store)?;
            if parts.is_empty() {
                return Err(ExportError::NothingToExport(
                    "该片区还没有已签字的验收单。".to_owned(),
                ));
            }
            std::fs::create_dir_all(path).map_err(|source| ExportError::Write {
                path: path.to_owned(),
                source,
            })?;
            progress.set_total(parts.len());
            let mut used = std::collections::HashSet::new();
            // A wave of sheets at a time, one per core: read here, rendered side by side,
            // written in order. Cancelling stops between two waves.
            for (wave, chunk) in parts.chunks(super::batch::workers()).enumerate() {
                if wave > 0 && progress.is_cancelled() {
                    outcome.cancelled = true;
                    break;
                }
                let mut snapshots = Vec::with_capacity(chunk.len());
                for part in chunk {
                    // Two sheets that would share a name (two compounds of one name, two
                    // acceptances on one day) each get a file.
                    let name = unique_name(&part.suggested_name(store, clock)?, &mut used);
                    snapshots.push((path.join(name), part.snapshot(store, clock)?));
                }
                let rendered = super::batch::render_all(&snapshots, |(_, s)| s.render());
                for ((target, _), bytes) in snapshots.into_iter().zip(rendered) {
                    let bytes = bytes?;
                    write_file_atomically(&target, &bytes)?;
                    outcome.written.push((target, bytes.len()));
                    progress.advance();
                }
            }
            Ok(())
        })();
        outcome.error = result.err();
        outcome
    }
}

/// A batch part, read and ready to render on any thread.
enum Snapshot {
    Acceptance(Box<AcceptanceSheet>),
    Final(Box<FinalSheet>),
    Rendered(Vec<u8>),
}

impl Snapshot {
    fn render(&self) -> Result<Vec<u8>, ExportError> {
        match self {
            Self::Acceptance(sheet) => render_acceptance_sheet(sheet),
            Self::Final(sheet) => render_final_sheet(sheet),
            Self::Rendered(bytes) => Ok(bytes.clone()),
        }
    }
}

/// A workbook's bytes, or why it could not be made.
fn workbook(result: Result<Vec<u8>, rust_xlsxwriter::XlsxError>) -> Result<Vec<u8>, ExportError> {
    result.map_err(|e| ExportError::Workbook(e.to_string()))
}

/// `小区验收单-…` / `片区验收单-…`, with the date and the round: a cluster and a compound of the
/// same name, and two rounds of one acceptance, never share a file name.
fn acceptance_sheet_name(round: &Inspection, subject_name: &str) -> String {
    format!(
        "{}验收单-{subject_name}-{}-第{}轮.pdf",
        round.subject.kind_label(),
        round.inspected_on,
        round.round
    )
}

/// `name`, or `name` with -2, -3, … before its extension when a file of this batch has it.
fn unique_name(name: &str, used: &mut std::collections::HashSet<String>) -> String {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) => (stem, format!(".{extension}")),
        None => (name, String::new()),
    };
    let mut candidate = name.to_owned();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{stem}-{n}{extension}");
        n += 1;
    }
    candidate
}

/// Replaces characters that file systems refuse.
pub fn sanitize_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::unique_name;

    #[test]
    fn names_in_a_batch_never_collide() {
        let mut used = std::collections::HashSet::new();
        assert_eq!(unique_name("甲.pdf", &mut used), "甲.pdf");
        assert_eq!(unique_name("甲.pdf", &mut used), "甲-2.pdf");
        assert_eq!(unique_name("甲.pdf", &mut used), "甲-3.pdf");
        assert_eq!(unique_name("乙", &mut used), "乙");
        assert_eq!(unique_name("乙", &mut used), "乙-2");
    }
}
