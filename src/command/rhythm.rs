//! The commands of the 推进机制 screen (附件2) and the local rules: each carries what the user
//! typed, checked again by the store before it is written.

use chrono::NaiveDate;

use crate::model::CompoundId;
use crate::model::policy_rule::PolicyRule;
use crate::model::rhythm::{DailyReport, Meeting, Month, Quarter, QuarterScore};

#[derive(Clone, Debug, PartialEq)]
pub enum RhythmCommand {
    /// Record a unit's daily report (its compound given by name, as typed).
    AddReport(Box<DailyReport>),
    /// Close a report's coordination matters.
    Resolve {
        id: crate::model::DailyReportId,
        on: NaiveDate,
        resolution: String,
    },
    DeleteReport(crate::model::DailyReportId),
    /// Record a weekly meeting with its decisions.
    AddMeeting(Box<Meeting>),
    /// Close (or reopen, `None`) a meeting's action item.
    CloseAction {
        id: crate::model::ActionItemId,
        on: Option<NaiveDate>,
    },
    /// Set the month's observation route.
    SetRoute {
        month: Month,
        stops: Vec<(CompoundId, String)>,
    },
    /// Record a unit's score in a quarter.
    SaveScore {
        quarter: Quarter,
        score: Box<QuarterScore>,
    },
    /// Change a local rule.
    SetRule {
        rule: PolicyRule,
        value: String,
    },
}

impl RhythmCommand {
    pub fn label(&self) -> &'static str {
        match self {
            Self::AddReport(_) => "保存日报",
            Self::Resolve { .. } => "办结",
            Self::DeleteReport(_) => "删除",
            Self::AddMeeting(_) => "保存会议记录",
            Self::CloseAction { on: Some(_), .. } => "完成",
            Self::CloseAction { on: None, .. } => "重新打开",
            Self::SetRoute { .. } => "保存观摩路线",
            Self::SaveScore { .. } => "保存得分",
            Self::SetRule { .. } => "保存",
        }
    }

    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::AddReport(_) => "记入当日报送；需协调事项在办结前每天结转到日通报",
            Self::Resolve { .. } => "这份日报的需协调事项已解决：写明办结情况",
            Self::DeleteReport(_) => "删除这份日报（报错了单位或日期时）",
            Self::AddMeeting(_) => "保存会议记录和决定事项；决定事项在完成前一直列出",
            Self::CloseAction { .. } => "标记这项决定事项已完成（或重新打开）",
            Self::SetRoute { .. } => "按当前顺序保存本月观摩路线",
            Self::SaveScore { .. } => "保存这个单位本季度的得分（同一单位再次保存即修改）",
            Self::SetRule { .. } => "修改这条本地规则；用到它的地方都会注明",
        }
    }

    /// What the status bar says once it is done.
    pub fn done_text(&self) -> &'static str {
        match self {
            Self::AddReport(_) => "日报已保存。",
            Self::Resolve { .. } => "需协调事项已办结。",
            Self::DeleteReport(_) => "日报已删除。",
            Self::AddMeeting(_) => "会议记录已保存。",
            Self::CloseAction { .. } => "决定事项已更新。",
            Self::SetRoute { .. } => "观摩路线已保存。",
            Self::SaveScore { .. } => "考评得分已保存。",
            Self::SetRule { .. } => "本地规则已修改。",
        }
    }
}
