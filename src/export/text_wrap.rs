//! Line breaking for Chinese text (UAX #14 via `unicode-linebreak`: breaks between CJK
//! characters, never before closing punctuation such as ，。）).

use unicode_linebreak::{BreakOpportunity, linebreaks};

/// Splits `text` into lines no wider than `max_width`, as measured by `width_of`.
pub fn wrap_text(text: &str, max_width: f32, width_of: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r');
        let mut line = String::new();
        let mut start = 0;
        for (end, opportunity) in linebreaks(paragraph) {
            // A code such as 3F2A-91C0-7B44 is never broken at its hyphens.
            let joined = paragraph[..end].ends_with('-')
                && paragraph[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if joined && opportunity != BreakOpportunity::Mandatory {
                continue;
            }
            let segment = &paragraph[start..end];
            start = end;
            let candidate = format!("{line}{segment}");
            if width_of(candidate.trim_end()) <= max_width {
                line = candidate;
            } else {
                if !line.trim().is_empty() {
                    lines.push(line.trim_end().to_owned());
                }
                line = String::new();
                // A segment wider than the whole line (a long number, a URL): cut it by characters.
                for ch in segment.chars() {
                    let candidate = format!("{line}{ch}");
                    if !line.is_empty() && width_of(candidate.trim_end()) > max_width {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(ch);
                }
            }
            if opportunity == BreakOpportunity::Mandatory && end < paragraph.len() {
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One unit per character.
    fn chars(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn breaks_between_chinese_characters() {
        assert_eq!(
            wrap_text("道路平整路沿齐整", 4.0, chars),
            vec!["道路平整", "路沿齐整"]
        );
    }

    #[test]
    fn never_starts_a_line_with_closing_punctuation() {
        let lines = wrap_text("道路平整，路沿齐整。", 4.0, chars);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('。')),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), "道路平整，路沿齐整。");
    }

    #[test]
    fn keeps_a_code_whole_at_its_hyphens() {
        let lines = wrap_text("验收合格 3F2A-91C0-7B44", 15.0, chars);
        assert!(
            lines.iter().any(|l| l.contains("3F2A-91C0-7B44")),
            "{lines:?}"
        );
    }

    #[test]
    fn keeps_explicit_line_breaks_and_cuts_overlong_words() {
        assert_eq!(wrap_text("甲\n乙", 10.0, chars), vec!["甲", "乙"]);
        assert_eq!(wrap_text("abcdefgh", 3.0, chars), vec!["abc", "def", "gh"]);
    }
}
