//! Every user action is a `Command`. UI code only sends them; `App::handle` carries them out.
//!
//! The menus' and the keyboard's commands carry no data and are a `UiCommand` (as rerun's
//! `UICommand`): each has its text, tooltip and shortcuts in one exhaustive match, read by the
//! menus, the buttons and the input handling alike. The other commands carry the record they
//! act on.

use std::path::PathBuf;

use eframe::egui::{Key, KeyboardShortcut, Modifiers};

use crate::export::Document;
use crate::model::{
    ClusterId, ClusterSurveyId, CompoundId, Condition, FacilityChange, InspectionId, ItemResult,
    PhotoId, PreparedPhoto, SignMethod, Subject, SurveyField, SurveyId, SurveyValue,
};
use crate::store::SurveyText;

mod rhythm;
mod ui_command;
pub use rhythm::RhythmCommand;
pub use ui_command::UiCommand;

/// A screen the app can show: where navigation goes. The screen's loaded state is a
/// `ui::Page`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// No database is open (opening failed): say why and offer to open another.
    NoDatabase,
    Register,
    Compound(CompoundId),
    Inspection(InspectionId),
    Survey(SurveyId),
    Cluster(ClusterId),
    /// Open rectifications across the file.
    Rectifications,
    /// This file's identity, the machines it exchanges packages with, the conflicts and
    /// look-alikes to settle, and every package sent and received.
    Exchange,
    /// The programme against its targets.
    Progress,
    /// 附件2's rhythm (daily reports and bulletin, meetings, observation, quarterly scoring)
    /// on a day, month and quarter.
    Rhythm(crate::model::rhythm::RhythmChoice),
    /// The user's settings and the file's backups.
    Settings,
}

/// A user action.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A menu or keyboard command.
    Ui(UiCommand),

    // --- database files
    /// Open (or create) the database at a path.
    OpenDatabaseAt(PathBuf),
    /// Create the sample data set in a new file at a path, and open it.
    CreateSampleAt(PathBuf),
    /// Create a new, empty database at a path (its folder too, if need be), and open it.
    CreateDatabaseAt(PathBuf),

    // --- navigation
    Show(Screen),

    // --- compounds
    /// Open the form for an existing compound.
    EditCompound(CompoundId),
    /// Check and save the compound form.
    SaveCompound,
    /// Ask before deleting a compound.
    RequestDeleteCompound(CompoundId),
    /// Delete it (after confirmation).
    DeleteCompound(CompoundId),

    // --- inspections
    /// Open the form to start an acceptance inspection of a compound or a cluster.
    NewInspection(Subject),
    /// Check the form and start the inspection.
    StartInspection,
    /// Choose photo files for an item, then import them in the background.
    AddPhotos {
        inspection: InspectionId,
        code: String,
    },
    /// Prepare these photo files in the background.
    ImportPhotos {
        inspection: InspectionId,
        code: String,
        paths: Vec<PathBuf>,
    },
    /// Store the photos a background import prepared, in one transaction; `failed` says
    /// which files could not be taken in, and why.
    StorePhotos {
        inspection: InspectionId,
        code: String,
        photos: Vec<PreparedPhoto>,
        failed: Vec<String>,
    },
    /// Show a photo large.
    ShowPhoto(PhotoId),
    DeletePhoto(PhotoId),
    /// Open the form to start a re-inspection (复验) after this round.
    NewReinspection(InspectionId),
    /// Open the form to correct (更正) this signed-off round with a new linked round.
    NewCorrection(InspectionId),
    /// Save the rectification typed under a failed item (order it, or change it).
    SaveRectification {
        inspection: InspectionId,
        code: String,
    },
    /// Record (or clear) one item's result.
    SetResult {
        inspection: InspectionId,
        code: String,
        result: Option<ItemResult>,
    },
    /// Record one item's remark. `before` is the remark the screen shows as saved: if the
    /// file holds another (another program wrote it), nothing is written over it.
    SetRemark {
        inspection: InspectionId,
        code: String,
        before: String,
        remark: String,
    },
    /// Record a party's signature.
    Sign {
        inspection: InspectionId,
        position: u32,
        signer: String,
        method: SignMethod,
    },
    /// Withdraw a party's signature (before sign-off).
    Unsign {
        inspection: InspectionId,
        position: u32,
    },
    /// Ask before completing the inspection (it cannot be undone).
    RequestSignOff(InspectionId),
    /// Complete the inspection: seal it; read-only from then on.
    SignOff(InspectionId),
    /// Check the code typed into the verify dialog.
    CheckCode,

    // --- surveys
    /// Start the next survey round of a compound (today, answers carried over).
    StartSurvey(CompoundId),
    /// Save one survey field; `before` is its value as the screen shows it saved.
    SetSurveyField {
        survey: SurveyId,
        field: SurveyField,
        before: SurveyValue,
        value: SurveyValue,
    },
    SetItemCondition {
        survey: SurveyId,
        code: String,
        condition: Option<Condition>,
    },
    SetItemProblem {
        survey: SurveyId,
        code: String,
        problem: String,
        seen: bool,
    },
    /// Save an item's other-problem or note text; `before` as the screen shows it saved.
    SetItemText {
        survey: SurveyId,
        code: String,
        which: SurveyText,
        before: String,
        text: String,
    },
    /// Start the survey of a cluster's 15-minute circle.
    StartClusterSurvey(ClusterId),
    SetFacility {
        survey: ClusterSurveyId,
        code: String,
        change: FacilityChange,
    },

    // --- documents
    /// Choose where a document goes, then write it in the background.
    Export(Document),
    /// Write a document to a path in the background.
    ExportTo(Document, PathBuf),
    /// Stop a running job (a batch export, a photo import) after the step under way.
    CancelJob(crate::job::JobId),
    /// A background job has finished: its result is applied (the one way a job changes the
    /// app).
    JobDone(crate::job::JobId),

    // --- field packages
    /// Import the package at a path (in the background).
    ImportPackage(PathBuf),
    /// A package was written: remember what it carried to its destination.
    PackageWritten {
        manifest: Box<crate::model::sync::Manifest>,
        file_name: String,
    },
    /// Rename this file's device, or change its role.
    SetIdentity {
        name: String,
        role: crate::model::sync::Role,
    },
    /// Settle conflicts: each field's id and the version kept.
    ResolveConflicts(Vec<(crate::model::ConflictId, crate::store::sync::FieldPick)>),
    /// Settle a look-alike compound: merge it into the one kept, or keep both.
    ResolveDuplicate {
        id: crate::model::LookAlikeId,
        merge: bool,
    },

    // --- each compound's programme steps
    /// Open the form for one step of a compound.
    EditStep {
        compound: CompoundId,
        step: crate::model::programme::Step,
    },
    /// Check and save the step form.
    SaveStep,
    /// Clear a recorded step, with its evidence.
    ClearStep {
        compound: CompoundId,
        step: crate::model::programme::Step,
    },
    /// Choose a file as evidence of a recorded step.
    AddEvidence {
        compound: CompoundId,
        step: crate::model::programme::Step,
    },
    /// Read the file at a path (in the background) and keep it as evidence.
    ReadEvidence {
        compound: CompoundId,
        step: crate::model::programme::Step,
        path: PathBuf,
    },

    /// Open the form for a property-service evaluation.
    NewEvaluation(CompoundId),
    /// Check and save the evaluation form.
    SaveEvaluation,

    // --- funding
    /// Open the form to add a funding entry.
    NewFunding(crate::store::funding::Funded),
    /// Check and save the funding form.
    SaveFunding,
    DeleteFunding(crate::model::FundingId),

    // --- the office's spreadsheets
    /// Read the spreadsheet at a path (in the background) and preview it.
    ReadRegister(PathBuf),
    /// Register the previewed rows that have no problem.
    ImportRegister,

    // --- a paper sheet brought back (核验验收单)
    /// Choose a scan or photo of a paper sheet.
    ChooseSheetImage,
    /// Read the QR on a scan or photo (in the background) and check it against its record.
    ReadSheetImage(PathBuf),

    // --- the county's policy pack (文件 › 政策包)
    /// Choose the folder of a revised pack.
    ChoosePolicyPack,
    /// Read and check the pack in a folder (in the background) and show what it changes.
    ReadPolicyPack(PathBuf),
    /// Take the revised pack shown.
    AdoptPolicyPack,

    // --- the office's rhythm (附件2) and local rules
    Rhythm(RhythmCommand),
    // --- settings and backups
    SaveSettings(Box<crate::model::settings::Settings>),
    /// Back the open file up now.
    BackupNow,
    /// Ask before restoring the backup at a path.
    RequestRestore(PathBuf),
    /// Restore it (after confirmation).
    Restore(PathBuf),
    /// Import the package held by the open dialog, from a machine whose key this file does
    /// not know yet (after its fingerprint was checked).
    AcceptNewSender,
    /// Record a new version of a target.
    SaveTarget {
        target: Box<crate::model::progress::Target>,
        version: String,
    },

    // --- dialogs and messages
    /// Use the path typed into the path prompt.
    SubmitPathPrompt,
    /// Close the open dialog without doing anything.
    CloseDialog,
    DismissMessage,
}

impl From<UiCommand> for Command {
    fn from(command: UiCommand) -> Self {
        Self::Ui(command)
    }
}

impl Command {
    /// The menu or button text.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Ui(command) => command.text_and_tooltip().0,
            Self::OpenDatabaseAt(_) => "打开",
            Self::CreateSampleAt(_) => "新建示例数据库",
            Self::CreateDatabaseAt(_) => "新建数据库",
            Self::Show(screen) => match screen {
                Screen::NoDatabase => "未打开数据库",
                Screen::Register => "小区名册",
                Screen::Rectifications => "整改清单",
                Screen::Exchange => "数据交换",
                Screen::Progress => "进度",
                Screen::Rhythm(_) => "推进机制",
                Screen::Settings => "设置",
                Screen::Compound(_)
                | Screen::Inspection(_)
                | Screen::Survey(_)
                | Screen::Cluster(_) => "打开",
            },
            Self::EditCompound(_) => "编辑",
            Self::SaveCompound => "保存",
            Self::RequestDeleteCompound(_) => "删除",
            Self::DeleteCompound(_) => "确认删除",
            Self::NewInspection(Subject::Compound(_)) => "开始验收",
            Self::NewInspection(Subject::Cluster(_)) => "开始片区验收",
            Self::StartInspection => "开始",
            Self::AddPhotos { .. } => "添加照片…",
            Self::ImportPhotos { .. } | Self::StorePhotos { .. } => "导入照片",
            Self::ShowPhoto(_) => "查看照片",
            Self::DeletePhoto(_) => "删除",
            Self::NewReinspection(_) => "开始复验",
            Self::NewCorrection(_) => "更正（新建一轮）…",
            Self::SaveRectification { .. } => "保存整改",
            Self::SetResult {
                result: Some(result),
                ..
            } => result.label(),
            Self::SetResult { result: None, .. } => "清除",
            Self::SetRemark { .. } => "备注",
            Self::Sign {
                method: SignMethod::Drawn(_),
                ..
            } => "确认签字",
            Self::Sign {
                method: SignMethod::WetInk,
                ..
            } => "纸质签字",
            Self::Unsign { .. } => "撤回",
            Self::RequestSignOff(_) => "完成签字并锁定",
            Self::SignOff(_) => "确认锁定",
            Self::CheckCode => "核验",
            Self::StartSurvey(_) => "开始调查",
            Self::SetSurveyField { .. }
            | Self::SetItemCondition { .. }
            | Self::SetItemProblem { .. }
            | Self::SetItemText { .. }
            | Self::SetFacility { .. } => "保存",
            Self::StartClusterSurvey(_) => "开始片区调查",
            Self::Export(document) | Self::ExportTo(document, _) => document.label(),
            Self::CancelJob(_) => "取消",
            Self::JobDone(_) => "完成后台任务",
            Self::ImportPackage(_) => "导入数据包",
            Self::PackageWritten { .. } => "记录已发送",
            Self::SetIdentity { .. } => "保存本机身份",
            Self::ResolveConflicts(picks) => match picks.first().map(|(_, p)| *p) {
                Some(crate::store::sync::FieldPick::Theirs) => "以对方为准",
                _ => "以本机为准",
            },
            Self::ResolveDuplicate { merge: true, .. } => "合并为一个",
            Self::ResolveDuplicate { merge: false, .. } => "保留两个",
            Self::ReadRegister(_) => "读取表格",
            Self::ChooseSheetImage => "从扫描件或照片读取…",
            Self::ReadSheetImage(_) => "读取验收单图片",
            Self::ChoosePolicyPack => "载入新版本…",
            Self::ReadPolicyPack(_) => "读取政策包",
            Self::AdoptPolicyPack => "采用此版本",
            Self::EditStep { .. } => "登记…",
            Self::NewFunding(_) => "登记资金…",
            Self::NewEvaluation(_) => "记录服务评价…",
            Self::SaveEvaluation => "保存",
            Self::SaveFunding => "保存",
            Self::DeleteFunding(_) => "删除",
            Self::SaveStep => "保存",
            Self::ClearStep { .. } => "清除此步",
            Self::Rhythm(command) => command.label(),
            Self::SaveTarget { .. } => "保存为新版本",
            Self::SaveSettings(_) => "保存设置",
            Self::BackupNow => "立即备份",
            Self::RequestRestore(_) => "恢复…",
            Self::Restore(_) => "确认恢复",
            Self::AcceptNewSender => "指纹核对无误，导入",
            Self::AddEvidence { .. } => "添加证据…",
            Self::ReadEvidence { .. } => "添加证据",
            Self::ImportRegister => "登记",
            Self::SubmitPathPrompt => "确定",
            Self::CloseDialog => "关闭",
            Self::DismissMessage => "知道了",
        }
    }

    /// A longer explanation for tooltips ("" where the label says it all).
    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::Ui(command) => command.text_and_tooltip().1,
            Self::NewInspection(Subject::Compound(_)) => "按“三入、四通、四有、两整”逐项验收该小区",
            Self::NewInspection(Subject::Cluster(_)) => {
                "按片区标准“三合、三整、九有”及“五全”“九位一体”逐项验收；各小区均验收合格后片区才能判定合格"
            }
            Self::NewCorrection(_) => {
                "已签字的记录不能修改：更正将新建一轮，沿用原结果逐项核对并注明更正原因，需重新签字"
            }
            Self::NewReinspection(_) => "整改完成后，只复验仍不合格的项目",
            Self::RequestSignOff(_) => {
                "所有单位签字后锁定验收记录并生成校验码；之后只能查看，不能修改"
            }
            Self::SignOff(_) => "锁定后不能撤销；发现错误只能“更正（新建一轮）”",
            Self::StartSurvey(_) => "新建一轮调查（沿用上一轮的填写内容）；较早的轮次保留为只读",
            Self::StartClusterSurvey(_) => "调查片区 15 分钟生活圈内的“九有”设施",
            Self::AddPhotos { .. } => "从文件选择一张或多张照片（JPEG、PNG），自动缩小并存入数据库",
            Self::Export(document) | Self::ExportTo(document, _) => document.tooltip(),
            Self::CancelJob(_) => "在当前这一份完成后停止；已完成的保留",
            Self::Sign {
                method: SignMethod::WetInk,
                ..
            } => "在打印的验收单上手签",
            Self::OpenDatabaseAt(_)
            | Self::CreateSampleAt(_)
            | Self::CreateDatabaseAt(_)
            | Self::Show(_)
            | Self::EditCompound(_)
            | Self::SaveCompound
            | Self::RequestDeleteCompound(_)
            | Self::DeleteCompound(_)
            | Self::StartInspection
            | Self::ImportPhotos { .. }
            | Self::StorePhotos { .. }
            | Self::ShowPhoto(_)
            | Self::DeletePhoto(_)
            | Self::SaveRectification { .. }
            | Self::SetResult { .. }
            | Self::SetRemark { .. }
            | Self::Sign {
                method: SignMethod::Drawn(_),
                ..
            }
            | Self::Unsign { .. }
            | Self::CheckCode
            | Self::SetSurveyField { .. }
            | Self::SetItemCondition { .. }
            | Self::SetItemProblem { .. }
            | Self::SetItemText { .. }
            | Self::SetFacility { .. }
            | Self::ImportPackage(_)
            | Self::PackageWritten { .. }
            | Self::JobDone(_)
            | Self::SetIdentity { .. }
            | Self::ResolveConflicts(_)
            | Self::ResolveDuplicate { .. }
            | Self::ReadRegister(_)
            | Self::ChooseSheetImage
            | Self::ReadSheetImage(_)
            | Self::ChoosePolicyPack
            | Self::ReadPolicyPack(_)
            | Self::AdoptPolicyPack
            | Self::ImportRegister
            | Self::EditStep { .. }
            | Self::SaveStep
            | Self::ReadEvidence { .. }
            | Self::NewFunding(_)
            | Self::SaveFunding
            | Self::DeleteFunding(_)
            | Self::NewEvaluation(_)
            | Self::SaveEvaluation
            | Self::SubmitPathPrompt
            | Self::CloseDialog
            | Self::DismissMessage => "",
            Self::ClearStep { .. } => "删除这一步的日期、单位和证据",
            Self::Rhythm(command) => command.tooltip(),
            Self::SaveTarget { .. } => "记为目标任务的新版本；旧版本保留",
            Self::SaveSettings(_) => "保存并立即生效",
            Self::BackupNow => "现在为当前数据库做一份备份（经完整性校验）",
            Self::RequestRestore(_) => "用这份备份替换当前数据库（替换前先备份当前数据库）",
            Self::Restore(_) => "当前数据库先备份，再用所选备份替换",
            Self::AcceptNewSender => "记下对方的密钥，导入此数据包（导入前先备份本机数据）",
            Self::AddEvidence { .. } => {
                "附上批复、公示照片、会议纪要等文件（20 MB 以内）作为这一步的证据"
            }
        }
    }

    /// Its keyboard shortcuts; the first is the one buttons and menus show. The input
    /// handling reads the same list.
    pub fn kb_shortcuts(&self) -> Vec<KeyboardShortcut> {
        match self {
            Self::Ui(command) => command.kb_shortcuts(),
            // The current screen's main document.
            Self::Export(
                Document::AcceptanceSheet(_)
                | Document::SurveyForm(_)
                | Document::OverallSummary(_)
                | Document::ProgressReport
                | Document::Bulletin { xlsx: false, .. },
            ) => vec![KeyboardShortcut::new(Modifiers::COMMAND, Key::P)],
            Self::Export(
                Document::RectificationNotice(_)
                | Document::FinalSheet(_)
                | Document::SignedSheets(_)
                | Document::FieldPackage { .. }
                | Document::Ledger
                | Document::Bulletin { xlsx: true, .. }
                | Document::ProgressTable
                | Document::FundingSummary
                | Document::ObservationPlan(_)
                | Document::QuarterEvaluation(_),
            )
            | Self::OpenDatabaseAt(_)
            | Self::CreateSampleAt(_)
            | Self::CreateDatabaseAt(_)
            | Self::Show(_)
            | Self::EditCompound(_)
            | Self::SaveCompound
            | Self::RequestDeleteCompound(_)
            | Self::DeleteCompound(_)
            | Self::NewInspection(_)
            | Self::StartInspection
            | Self::AddPhotos { .. }
            | Self::ImportPhotos { .. }
            | Self::StorePhotos { .. }
            | Self::ShowPhoto(_)
            | Self::DeletePhoto(_)
            | Self::NewReinspection(_)
            | Self::NewCorrection(_)
            | Self::SaveRectification { .. }
            | Self::SetResult { .. }
            | Self::SetRemark { .. }
            | Self::Sign { .. }
            | Self::Unsign { .. }
            | Self::RequestSignOff(_)
            | Self::SignOff(_)
            | Self::CheckCode
            | Self::StartSurvey(_)
            | Self::SetSurveyField { .. }
            | Self::SetItemCondition { .. }
            | Self::SetItemProblem { .. }
            | Self::SetItemText { .. }
            | Self::StartClusterSurvey(_)
            | Self::SetFacility { .. }
            | Self::ExportTo(..)
            | Self::CancelJob(_)
            | Self::JobDone(_)
            | Self::ImportPackage(_)
            | Self::PackageWritten { .. }
            | Self::SetIdentity { .. }
            | Self::ResolveConflicts(_)
            | Self::ResolveDuplicate { .. }
            | Self::ReadRegister(_)
            | Self::ChooseSheetImage
            | Self::ReadSheetImage(_)
            | Self::ChoosePolicyPack
            | Self::ReadPolicyPack(_)
            | Self::AdoptPolicyPack
            | Self::ImportRegister
            | Self::EditStep { .. }
            | Self::SaveStep
            | Self::NewFunding(_)
            | Self::SaveFunding
            | Self::DeleteFunding(_)
            | Self::NewEvaluation(_)
            | Self::SaveEvaluation
            | Self::ClearStep { .. }
            | Self::AddEvidence { .. }
            | Self::ReadEvidence { .. }
            | Self::Rhythm(_)
            | Self::SaveTarget { .. }
            | Self::SaveSettings(_)
            | Self::BackupNow
            | Self::RequestRestore(_)
            | Self::Restore(_)
            | Self::AcceptNewSender
            | Self::SubmitPathPrompt
            | Self::CloseDialog
            | Self::DismissMessage => Vec::new(),
        }
    }

    /// The commands whose shortcuts work on every screen (while no dialog is open).
    pub const GLOBAL: [UiCommand; 3] = [
        UiCommand::OpenDatabase,
        UiCommand::AddCompound,
        UiCommand::ExportCurrent,
    ];
}
