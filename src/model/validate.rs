//! What a record may hold, in one place: names, years, counts, dates, free text, signature
//! strokes (and money, fen, to come). The store applies these to every write, so the GUI, the
//! CLI, the sample data and the imports all get the same checks and the same words.

use chrono::{Datelike, NaiveDate};

/// The earliest year a compound can have been built (anything older is a typo).
pub const EARLIEST_YEAR: i32 = 1900;
/// The longest name (compound, cluster, town, person, unit).
pub const MAX_NAME_CHARS: usize = 100;
/// The longest free text (a remark, a note, a requirement).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// More buildings than any residential compound has.
pub const MAX_BUILDINGS: u32 = 2_000;
/// More households than any residential compound has.
pub const MAX_HOUSEHOLDS: u32 = 100_000;
/// Most strokes and points a signature may have.
pub const MAX_STROKE_POINTS: usize = 20_000;

pub use super::refusal::Refusal;

fn invalid<T>(message: String) -> Result<T, Refusal> {
    Err(Refusal::new(message))
}

/// A name: trimmed (full-width spaces too), not empty, at most 100 characters, no control
/// characters. Returns it trimmed.
pub fn name(what: &str, text: &str) -> Result<String, Refusal> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return invalid(format!("请填写{what}"));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return invalid(format!("{what}不能超过 {MAX_NAME_CHARS} 个字"));
    }
    if trimmed.chars().any(char::is_control) {
        return invalid(format!("{what}中有不可见的控制字符，请重新输入"));
    }
    Ok(trimmed.to_owned())
}

/// An optional short text (an address, a unit): trimmed, at most 100 characters.
pub fn short_text(what: &str, text: &str) -> Result<String, Refusal> {
    let trimmed = text.trim();
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return invalid(format!("{what}不能超过 {MAX_NAME_CHARS} 个字"));
    }
    if trimmed.chars().any(char::is_control) {
        return invalid(format!("{what}中有不可见的控制字符，请重新输入"));
    }
    Ok(trimmed.to_owned())
}

/// Free text (a remark): at most 20,000 characters; line breaks and tabs are fine.
pub fn free_text(what: &str, text: &str) -> Result<(), Refusal> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return invalid(format!(
            "{what}不能超过 {MAX_TEXT_CHARS} 个字（现有 {} 个）",
            text.chars().count()
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return invalid(format!("{what}中有不可见的控制字符，请重新输入"));
    }
    Ok(())
}

/// A year built: 1900 to this year.
pub fn year_built(year: i32, today: NaiveDate) -> Result<i32, Refusal> {
    let this_year = today.year();
    if year > this_year {
        return invalid(format!("建成年份 {year} 晚于今年（{this_year}），请核对"));
    }
    if year < EARLIEST_YEAR {
        return invalid(format!("建成年份 {year} 早于 {EARLIEST_YEAR} 年，请核对"));
    }
    Ok(year)
}

/// A plan year: 2019 (the programme's first) to ten years ahead.
pub fn plan_year(year: i32, today: NaiveDate) -> Result<i32, Refusal> {
    let last = today.year() + 10;
    if !(2019..=last).contains(&year) {
        return invalid(format!("计划年度 {year} 不在 2019–{last} 年之间，请核对"));
    }
    Ok(year)
}

/// A count (buildings, households, floors): at most `max`.
pub fn count(what: &str, n: u32, max: u32) -> Result<u32, Refusal> {
    if n > max {
        return invalid(format!("{what} {n} 过大（上限 {max}），请核对"));
    }
    Ok(n)
}

/// A date something happened on: not before 1900, not after today.
pub fn past_date(what: &str, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Refusal> {
    if date > today {
        return invalid(format!("{what} {date} 晚于今天，请核对"));
    }
    if date.year() < EARLIEST_YEAR {
        return invalid(format!("{what} {date} 早于 {EARLIEST_YEAR} 年，请核对"));
    }
    Ok(date)
}

/// A deadline: within a few years either way of today.
pub fn deadline(what: &str, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Refusal> {
    let span = (date.year() - today.year()).abs();
    if span > 10 {
        return invalid(format!("{what} {date} 离今天太远，请核对"));
    }
    Ok(date)
}

/// Stored or arriving strokes (a wet-ink signature has none): finite points inside the pad
/// (0..=1), not too many. A point off the pad would be drawn across the sheet.
pub fn strokes_on_pad(strokes: &[Vec<[f32; 2]>]) -> Result<(), Refusal> {
    let points: usize = strokes.iter().map(Vec::len).sum();
    if points > MAX_STROKE_POINTS {
        return invalid("签名笔迹过多，请清除后重签".to_owned());
    }
    let inside = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
    if strokes
        .iter()
        .flatten()
        .any(|[x, y]| !inside(*x) || !inside(*y))
    {
        return invalid("签名笔迹数据无效，请清除后重签".to_owned());
    }
    Ok(())
}

/// A signature drawn on the pad: finite points inside the pad (0..=1), with a reasonable
/// number of them.
/// (Each stroke is a signature's `Stroke`: its points.)
pub fn strokes(strokes: &[Vec<[f32; 2]>]) -> Result<(), Refusal> {
    strokes_on_pad(strokes)?;
    if strokes.iter().all(|s| s.len() < 2) {
        return invalid("签名板上还没有笔迹".to_owned());
    }
    Ok(())
}
