//! How model types are written to and read from SQLite columns.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use super::StoreError;

use crate::model::{
    ActionItemId, Choice, ClusterId, ClusterSurveyId, CompoundId, Condition, ConflictId,
    DailyReportId, EvaluationId, FundingId, InspectionId, ItemResult, LookAlikeId, ManagementMode,
    MeetingId, ObservationStopId, PhotoId, QuarterScoreId, RectificationId, StructuralSafety,
    SurveyId, TownId,
};

/// A date column (YYYY-MM-DD); another shape means the file was changed by hand.
pub(super) fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("日期“{text}”格式不对")))
}

macro_rules! sql_id {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )*};
}

sql_id!(
    TownId,
    ClusterId,
    CompoundId,
    InspectionId,
    SurveyId,
    ClusterSurveyId,
    RectificationId,
    PhotoId
);

/// The ids kept as the file's text.
macro_rules! sql_text_id {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                Ok(text.parse().unwrap_or_else(|never| match never {}))
            }
        }
    )*};
}

sql_text_id!(
    EvaluationId,
    FundingId,
    DailyReportId,
    MeetingId,
    ActionItemId,
    ObservationStopId,
    QuarterScoreId,
    ConflictId,
    LookAlikeId
);

impl ToSql for ItemResult {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for ItemResult {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let code = value.as_str()?;
        Self::from_code(code)
            .ok_or_else(|| FromSqlError::Other(format!("未知的结果 {code}").into()))
    }
}

macro_rules! sql_choice {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.code()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let code = value.as_str()?;
                <$name as Choice>::from_code(code)
                    .ok_or_else(|| FromSqlError::Other(format!("未知的取值 {code}").into()))
            }
        }
    )*};
}

sql_choice!(ManagementMode, StructuralSafety, Condition);
