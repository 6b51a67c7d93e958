//! Where a field is in a TOML file: the line a problem is said at.

use toml::de::{DeTable, DeValue};

/// One step of a path into a TOML document: a key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The path as a reader writes it: `steps[3].after`.
pub(super) fn field_name(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// The 1-based line of the deepest part of `path` found in `text` (the file's first line if
/// none is, or the text does not parse).
pub(super) fn line_of(text: &str, path: &[Seg]) -> usize {
    let Ok(root) = DeTable::parse(text) else {
        return 1;
    };
    let mut at = root.span().start;
    let mut value: Option<&DeValue<'_>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    for seg in path {
        let next = match (seg, table, value) {
            (Seg::Key(k), Some(t), _) => t
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == *k)
                .map(|(key, v)| (key.span().start, v)),
            (Seg::Index(i), _, Some(DeValue::Array(items))) => {
                items.get(*i).map(|v| (v.span().start, v))
            }
            _ => None,
        };
        let Some((start, v)) = next else {
            break;
        };
        at = start;
        value = Some(v.get_ref());
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    line_at(text, at)
}

/// The 1-based line of byte `offset`.
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "format = 1\n\n[county]\nname = \"x\"\n\n[[steps]]\ncode = \"a\"\n\n[[steps]]\ncode = \"b\"\nafter = \"c\"\n";

    #[test]
    fn a_path_is_found_at_its_line() {
        assert_eq!(line_of(TEXT, &[Seg::Key("format")]), 1);
        assert_eq!(line_of(TEXT, &[Seg::Key("county"), Seg::Key("name")]), 4);
        let after = [Seg::Key("steps"), Seg::Index(1), Seg::Key("after")];
        assert_eq!(line_of(TEXT, &after), 11);
        assert_eq!(field_name(&after), "steps[2].after");
        // A missing field is said at what holds it.
        assert_eq!(
            line_of(TEXT, &[Seg::Key("steps"), Seg::Index(0), Seg::Key("after")]),
            6
        );
    }
}
