//! Every user action is a `Command`. UI code only sends them; `App::handle` carries them out.

use std::path::PathBuf;

use crate::model::{
    ClusterId, ClusterSurveyId, CompoundId, Condition, Facility, InspectionId, ItemResult, PhotoId,
    Rectification, SignMethod, Subject, SurveyField, SurveyId, SurveyValue,
};
use crate::store::SurveyText;

/// A user action.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    // --- database files
    /// Pick a new database file and create it.
    NewDatabase,
    /// Pick an existing database file and open it.
    OpenDatabase,
    /// Pick a new file and fill it with the 示例 training data.
    NewSampleDatabase,
    /// Open (or create) the database at a path.
    OpenDatabaseAt(PathBuf),
    /// Create the sample data set in a new file at a path, and open it.
    CreateSampleAt(PathBuf),

    // --- navigation
    ShowRegister,
    ShowCompound(CompoundId),
    ShowInspection(InspectionId),

    // --- compounds
    /// Open the form for a new compound.
    AddCompound,
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
    ImportPhotos {
        inspection: InspectionId,
        code: String,
        paths: Vec<PathBuf>,
    },
    /// Show a photo large.
    ShowPhoto(PhotoId),
    DeletePhoto(PhotoId),
    /// Open the form to start a re-inspection (复验) after this round.
    NewReinspection(InspectionId),
    /// Open the form to correct (更正) this signed-off round with a new linked round.
    NewCorrection(InspectionId),
    /// Order (or change) the rectification of a failed item.
    SaveRectification(Rectification),
    /// The list of open rectifications, overdue first.
    ShowRectifications,
    /// Record (or clear) one item's result.
    SetResult {
        inspection: InspectionId,
        code: String,
        result: Option<ItemResult>,
    },
    /// Record one item's remark.
    SetRemark {
        inspection: InspectionId,
        code: String,
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
    /// Complete the inspection: seal it; read-only from then on.
    SignOff(InspectionId),
    /// Open the dialog that checks a printed sheet's code.
    VerifyCode,
    /// Check the code typed into the verify dialog.
    CheckCode,

    // --- surveys
    /// Start the next survey round of a compound (today, answers carried over).
    StartSurvey(CompoundId),
    ShowSurvey(SurveyId),
    SetSurveyField {
        survey: SurveyId,
        field: SurveyField,
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
    SetItemText {
        survey: SurveyId,
        code: String,
        which: SurveyText,
        text: String,
    },
    /// Choose where to save the survey form PDF, then export it.
    ExportSurvey(SurveyId),
    ExportSurveyTo(SurveyId, PathBuf),

    // --- clusters
    ShowCluster(ClusterId),
    StartClusterSurvey(ClusterId),
    SetFacility {
        survey: ClusterSurveyId,
        facility: Facility,
    },

    // --- export
    /// Choose where to save the acceptance sheet PDF, then export it in the background.
    ExportSheet(InspectionId),
    /// Export the acceptance sheet to a path in the background.
    ExportSheetTo(InspectionId, PathBuf),
    /// Choose where to save the 整改通知单 of a round, then export it.
    ExportNotice(InspectionId),
    ExportNoticeTo(InspectionId, PathBuf),

    /// Choose a folder and export every signed sheet of a cluster there, in the background.
    BatchExportCluster(ClusterId),
    BatchExportTo(ClusterId, PathBuf),
    /// Choose where to save a cluster's 综合验收汇总表, then export it in the background.
    ExportOverall(ClusterId),
    ExportOverallTo(ClusterId, PathBuf),
    /// Stop a running batch export after the current document.
    CancelExport,

    // --- dialogs and messages
    /// Use the path typed into the path prompt.
    SubmitPathPrompt,
    /// Close the open dialog without doing anything.
    CloseDialog,
    DismissMessage,
    Quit,
}

impl Command {
    /// The menu / button text of commands that appear in menus.
    pub fn label(&self) -> &'static str {
        match self {
            Self::NewDatabase => "新建数据库…",
            Self::OpenDatabase => "打开数据库…",
            Self::NewSampleDatabase => "新建示例数据库（培训用）…",
            Self::ShowRegister => "小区名册",
            Self::AddCompound => "新增小区",
            Self::EditCompound(_) => "编辑",
            Self::RequestDeleteCompound(_) | Self::DeleteCompound(_) => "删除",
            Self::NewInspection(Subject::Compound(_)) => "开始验收",
            Self::NewInspection(Subject::Cluster(_)) => "开始片区验收",
            Self::ExportSheet(_) | Self::ExportSheetTo(..) => "导出验收单 PDF…",
            Self::StartSurvey(_) => "开始调查",
            Self::ExportNotice(_) | Self::ExportNoticeTo(..) => "导出整改通知单 PDF…",
            Self::ExportSurvey(_) | Self::ExportSurveyTo(..) => "导出调查表 PDF…",
            Self::StartClusterSurvey(_) => "开始片区调查",
            Self::BatchExportCluster(_) | Self::BatchExportTo(..) => "批量导出已签字验收单…",
            Self::Quit => "退出",
            Self::SignOff(_) => "完成签字并锁定",
            Self::NewReinspection(_) => "开始复验",
            Self::NewCorrection(_) => "更正（新建一轮）…",
            Self::ExportOverall(_) | Self::ExportOverallTo(..) => "导出综合验收汇总表 PDF…",
            Self::ShowRectifications => "整改清单",
            Self::VerifyCode => "核验验收单校验码…",
            _ => "",
        }
    }

    /// A longer explanation for tooltips.
    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::NewDatabase => "新建一个空的验收数据库文件",
            Self::OpenDatabase => "打开另一个验收数据库文件（.db）",
            Self::NewSampleDatabase => {
                "新建一个只含示例数据的文件，供新验收人员练习；不会混入正式数据"
            }
            Self::AddCompound => "在名册中登记一个小区",
            Self::NewInspection(Subject::Compound(_)) => "按“三入、四通、四有、两整”逐项验收该小区",
            Self::NewInspection(Subject::Cluster(_)) => {
                "按片区标准“三合、三整、九有”及“五全”“九位一体”逐项验收；各小区均验收合格后片区才能判定合格"
            }
            Self::NewCorrection(_) => {
                "已签字的记录不能修改：更正将新建一轮，沿用原结果逐项核对并注明更正原因，需重新签字"
            }
            Self::ExportOverall(_) => {
                "片区内各小区的验收结论、校验码与整改情况，以及片区验收结论，一张汇总表"
            }
            Self::ExportSheet(_) => "生成可打印、签字的 A4 验收单",
            Self::StartSurvey(_) => "新建一轮调查（沿用上一轮的填写内容）；较早的轮次保留为只读",
            Self::ExportSurvey(_) => "生成可打印的 A4 调查表，含资格结论与改造需求",
            Self::StartClusterSurvey(_) => "调查片区 15 分钟生活圈内的“九有”设施",
            Self::Quit => "关闭程序（所有记录均已即时保存）",
            Self::SignOff(_) => "所有单位签字后锁定验收记录并生成校验码；之后只能查看，不能修改",
            Self::NewReinspection(_) => "整改完成后，只复验仍不合格的项目",
            Self::ShowRectifications => "所有未完成的整改，逾期的排在前面",
            Self::VerifyCode => "输入纸质验收单上的校验码，核对与数据库是否一致",
            _ => "",
        }
    }

    /// The keyboard shortcut shown next to the label, if any.
    pub fn shortcut_text(&self) -> &'static str {
        match self {
            Self::OpenDatabase => "Ctrl+O",
            Self::AddCompound => "Ctrl+N",
            Self::ExportSheet(_) => "Ctrl+P",
            _ => "",
        }
    }
}
