//! Menu and keyboard commands: no data, each with its text, tooltip and shortcuts.

use eframe::egui::{Key, KeyboardShortcut, Modifiers};

use crate::model::ItemResult;

/// A menu or keyboard command: no data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiCommand {
    NewDatabase,
    OpenDatabase,
    NewSampleDatabase,
    VerifyCode,
    Quit,
    ShowRegister,
    AddCompound,
    ShowRectifications,
    /// Export a field package for the usual destination (the office, from a laptop).
    ExportPackage,
    /// Choose a field package and import it.
    ImportPackage,
    /// The exchange screen: identity, packages, conflicts.
    ShowExchange,
    /// Choose a spreadsheet of compounds and preview it for import.
    ImportRegisterFile,
    /// The progress screen.
    ShowProgress,
    /// The 推进机制 screen (附件2).
    ShowRhythm,
    /// The settings screen.
    ShowSettings,
    /// 文件 › 政策包: the county's plan the file works under.
    ShowPolicyPack,
    /// The settings screen's backups, to restore one.
    RestoreFromBackup,
    /// The main document of the screen on show (the checklist's acceptance sheet, the survey
    /// form, the cluster's summary).
    ExportCurrent,
    /// On the checklist: the next item.
    SelectNextItem,
    /// On the checklist: the previous item.
    SelectPreviousItem,
    /// On the checklist: the selected item 合格 (and on to the next).
    MarkPass,
    /// 不合格
    MarkFail,
    /// 不适用
    MarkNotApplicable,
    /// Clear the selected item's result.
    ClearResult,
}

impl UiCommand {
    /// The commands of the checklist keys, which act on the selected item.
    pub const CHECKLIST_KEYS: [Self; 6] = [
        Self::SelectNextItem,
        Self::SelectPreviousItem,
        Self::MarkPass,
        Self::MarkFail,
        Self::MarkNotApplicable,
        Self::ClearResult,
    ];

    /// (menu or button text, tooltip)
    pub fn text_and_tooltip(self) -> (&'static str, &'static str) {
        match self {
            Self::NewDatabase => ("新建数据库…", "新建一个空的验收数据库文件"),
            Self::OpenDatabase => ("打开数据库…", "打开另一个验收数据库文件（.db）"),
            Self::NewSampleDatabase => (
                "新建示例数据库（培训用）…",
                "新建一个只含示例数据的文件，供新验收人员练习；不会混入正式数据",
            ),
            Self::VerifyCode => (
                "核验验收单校验码…",
                "输入纸质验收单上的校验码，核对与数据库是否一致",
            ),
            Self::Quit => ("退出", "关闭程序（所有记录均已即时保存）"),
            Self::ShowRegister => ("小区名册", "所有登记的小区"),
            Self::AddCompound => ("新增小区", "在名册中登记一个小区"),
            Self::ShowRectifications => ("整改清单", "所有未完成的整改，逾期的排在前面"),
            Self::ExportPackage => (
                "导出外业数据包…",
                "把本机上次发送以来的所有改动（含照片）写成一个数据包文件，用U盘或微信交给县办；县办电脑在“数据交换”中选择发给哪台电脑",
            ),
            Self::ImportPackage => (
                "导入数据包…",
                "导入另一台电脑发来的数据包：要么全部导入，要么不改动；两边都改过的内容列入“冲突处理”由您选择",
            ),
            Self::ShowExchange => (
                "数据交换与冲突处理",
                "本机身份、往来电脑、待处理的冲突和疑似重复的小区、片区、数据包记录",
            ),
            Self::ShowProgress => (
                "进度",
                "对照目标任务，按年度、乡镇、片区统计开工、验收合格、交付的小区数和户数",
            ),
            Self::ShowSettings => ("设置…", "使用人、文字大小、时间显示、备份"),
            Self::ShowPolicyPack => (
                "政策包…",
                "本文件所依据的县实施方案：县名、文号、版本与各部分内容及其条款；县办可载入修订版本",
            ),
            Self::RestoreFromBackup => (
                "从备份恢复…",
                "列出本数据库的备份（日期、记录数），选一份恢复；恢复前先备份当前数据库",
            ),
            Self::ShowRhythm => (
                "推进机制（日通报、周例会、月观摩、季考评）",
                "各单位日报与日通报、周例会决定事项、月观摩路线、季度考评与排名（附件2）",
            ),
            Self::ImportRegisterFile => (
                "导入小区名册（Excel/WPS）…",
                "从 .xlsx、.xls、.csv 表格登记小区：自动识别表头，逐行列出问题，确认后一次全部登记",
            ),
            Self::ExportCurrent => (
                "导出本页文档 PDF…",
                "验收页面导出验收单，调查页面导出调查表，片区页面导出综合验收汇总表",
            ),
            Self::SelectNextItem => ("下一项", "选择下一个验收项目"),
            Self::SelectPreviousItem => ("上一项", "选择上一个验收项目"),
            Self::MarkPass => ("合格", "所选项目判定为合格，并转到下一项"),
            Self::MarkFail => ("不合格", "所选项目判定为不合格，并转到下一项"),
            Self::MarkNotApplicable => ("不适用", "所选项目判定为不适用（须在备注中注明理由）"),
            Self::ClearResult => ("清除", "清除所选项目的判定"),
        }
    }

    /// Its keyboard shortcuts; the first is the one menus show.
    pub fn kb_shortcuts(self) -> Vec<KeyboardShortcut> {
        let key = |key| KeyboardShortcut::new(Modifiers::NONE, key);
        let cmd = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        match self {
            Self::OpenDatabase => vec![cmd(Key::O)],
            Self::AddCompound => vec![cmd(Key::N)],
            Self::ExportCurrent => vec![cmd(Key::P)],
            Self::SelectNextItem => vec![key(Key::ArrowDown), key(Key::J)],
            Self::SelectPreviousItem => vec![key(Key::ArrowUp), key(Key::K)],
            Self::MarkPass => vec![key(Key::Num1)],
            Self::MarkFail => vec![key(Key::Num2)],
            Self::MarkNotApplicable => vec![key(Key::Num3)],
            Self::ClearResult => vec![key(Key::Num0)],
            Self::NewDatabase
            | Self::NewSampleDatabase
            | Self::VerifyCode
            | Self::Quit
            | Self::ShowRegister
            | Self::ShowRectifications
            | Self::ExportPackage
            | Self::ImportPackage
            | Self::ShowExchange
            | Self::ImportRegisterFile
            | Self::ShowProgress
            | Self::ShowRhythm
            | Self::ShowSettings
            | Self::ShowPolicyPack
            | Self::RestoreFromBackup => Vec::new(),
        }
    }

    /// The result a checklist key decides, if it is one of those.
    pub fn item_result(self) -> Option<Option<ItemResult>> {
        match self {
            Self::MarkPass => Some(Some(ItemResult::Pass)),
            Self::MarkFail => Some(Some(ItemResult::Fail)),
            Self::MarkNotApplicable => Some(Some(ItemResult::NotApplicable)),
            Self::ClearResult => Some(None),
            Self::NewDatabase
            | Self::OpenDatabase
            | Self::NewSampleDatabase
            | Self::VerifyCode
            | Self::Quit
            | Self::ShowRegister
            | Self::AddCompound
            | Self::ShowRectifications
            | Self::ExportPackage
            | Self::ImportPackage
            | Self::ShowExchange
            | Self::ImportRegisterFile
            | Self::ShowProgress
            | Self::ShowRhythm
            | Self::ShowSettings
            | Self::ShowPolicyPack
            | Self::RestoreFromBackup
            | Self::ExportCurrent
            | Self::SelectNextItem
            | Self::SelectPreviousItem => None,
        }
    }
}
