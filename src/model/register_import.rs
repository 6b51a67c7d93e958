//! A compound register as offices keep it in Excel or WPS, read into compounds: which column
//! is which (guessed from its Chinese header, changed by the user), and every row's problems,
//! before anything is written. Pure: the cells come in as text, the towns, clusters and
//! compounds already registered as values.

use chrono::NaiveDate;

use super::cluster::Cluster;
use super::compound::{Compound, CompoundDraft};
use super::ids::ClusterId;
use super::town::Town;

/// A field of the register a column can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterField {
    Name,
    Town,
    Address,
    OwnerUnit,
    YearBuilt,
    Buildings,
    Households,
    Cluster,
}

impl RegisterField {
    pub const ALL: [Self; 8] = [
        Self::Name,
        Self::Town,
        Self::Address,
        Self::OwnerUnit,
        Self::YearBuilt,
        Self::Buildings,
        Self::Households,
        Self::Cluster,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "小区名称",
            Self::Town => "所属乡镇",
            Self::Address => "地址",
            Self::OwnerUnit => "产权单位",
            Self::YearBuilt => "建成年代",
            Self::Buildings => "栋数",
            Self::Households => "户数",
            Self::Cluster => "所属片区",
        }
    }

    /// Headers offices use for it, the most telling first.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Self::Name => &["小区名称", "小区名", "项目名称", "院落名称", "名称", "小区"],
            Self::Town => &["所属乡镇", "乡镇街道", "乡镇", "街道", "镇"],
            Self::Address => &["小区地址", "详细地址", "地址", "坐落", "位置"],
            Self::OwnerUnit => &["产权单位", "原产权单位", "管理单位", "产权"],
            Self::YearBuilt => &[
                "建成年代",
                "建成年份",
                "建成时间",
                "建设年代",
                "竣工时间",
                "建成",
                "年代",
            ],
            Self::Buildings => &["楼栋数", "栋数", "幢数", "楼栋"],
            Self::Households => &["总户数", "户数", "住户数", "住户"],
            Self::Cluster => &["所属片区", "片区名称", "片区"],
        }
    }

    /// How well `header` names this field (0: not at all; longer matches count more).
    fn score(self, header: &str) -> usize {
        let header = normalize(header);
        self.headers()
            .iter()
            .enumerate()
            .filter(|(_, h)| header.contains(*h))
            .map(|(rank, h)| 100 * h.chars().count() - rank)
            .max()
            .unwrap_or(0)
    }
}

/// Full-width digits, letters and spaces to their ordinary forms, spaces collapsed.
/// One pass and one allocation: it runs on every cell of a register.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The row that holds the headers: of the first rows, the one naming the most fields (title
/// rows and notes above it are common).
pub fn header_row(rows: &[Vec<String>]) -> usize {
    rows.iter()
        .take(20)
        .enumerate()
        .max_by_key(|(i, row)| {
            let named = RegisterField::ALL
                .iter()
                .filter(|f| row.iter().any(|cell| f.score(cell) > 0))
                .count();
            (named, usize::MAX - i)
        })
        .map_or(0, |(i, _)| i)
}

/// Which column holds each field, guessed from the headers: each field at most once, each
/// column at most one field, the best match first.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<RegisterField>> {
    let mut candidates: Vec<(usize, usize, RegisterField)> = Vec::new();
    for (column, header) in headers.iter().enumerate() {
        for field in RegisterField::ALL {
            let score = field.score(header);
            if score > 0 {
                candidates.push((score, column, field));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut mapping = vec![None; headers.len()];
    let mut taken = Vec::new();
    for (_, column, field) in candidates {
        if mapping[column].is_none() && !taken.contains(&field) {
            mapping[column] = Some(field);
            taken.push(field);
        }
    }
    mapping
}

/// One data row of the sheet, as it would be registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPlan {
    /// The row's number in the sheet, as the spreadsheet shows it (from 1).
    pub line: usize,
    pub name: String,
    /// The compound to register, if the row has no problem.
    pub compound: Option<Compound>,
    /// A cluster that does not exist yet, to create with it.
    pub new_cluster: Option<Cluster>,
    pub problems: Vec<String>,
}

/// What is registered already: the towns, the clusters and the (name, town) of every compound.
#[derive(Clone, Copy, Debug)]
pub struct Known<'a> {
    pub towns: &'a [Town],
    pub clusters: &'a [Cluster],
    pub compounds: &'a [Compound],
}

/// Whether a cell opens a total row (合计, 小计, 总计): such a row is not a compound.
fn is_total(text: &str) -> bool {
    // What `normalize` would start with: the words are not full-width forms, so only the
    // leading spaces go.
    let text = text.trim_start();
    ["合计", "小计", "总计"].iter().any(|t| text.starts_with(t))
}

/// The sheet's lines (from 1) below `header` that are total rows, left out of the plan: the
/// preview and the command line say so, so a total is never dropped unseen.
pub fn total_rows(rows: &[Vec<String>], header: usize) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .skip(header + 1)
        .filter(|(_, row)| row.iter().any(|c| is_total(c)))
        .map(|(index, _)| index + 1)
        .collect()
}

/// Every data row below `header` read with `mapping`: a compound each, or its problems. Empty
/// rows and total rows (合计, 小计) are left out. Linear in the rows and the register: each
/// check looks up a hash map (100,000 rows are checked in under a second in `yanshou bench`).
pub fn plan(
    rows: &[Vec<String>],
    header: usize,
    mapping: &[Option<RegisterField>],
    known: Known<'_>,
    today: NaiveDate,
) -> Vec<RowPlan> {
    use std::collections::{HashMap, HashSet};
    let mut plans: Vec<RowPlan> = Vec::new();
    // (name, town) of every compound registered, and of every good row so far (its line).
    let registered: HashSet<(&str, Option<super::ids::TownId>)> = known
        .compounds
        .iter()
        .map(|c| (c.name.as_str(), c.town_id))
        .collect();
    let mut planned: HashMap<(String, Option<super::ids::TownId>), usize> = HashMap::new();
    // Clusters by name: those registered (the first of a name wins, as before), then new ones.
    let mut clusters: HashMap<String, ClusterId> = HashMap::new();
    for k in known.clusters {
        clusters.entry(k.name.clone()).or_insert(k.id);
    }
    // The column of each field, found once.
    let columns = RegisterField::ALL.map(|field| mapping.iter().position(|m| *m == Some(field)));
    for (index, row) in rows.iter().enumerate().skip(header + 1) {
        // Each field's cell normalized once per row.
        let cells = columns.map(|column| {
            column
                .and_then(|c| row.get(c))
                .map(|t| normalize(t))
                .unwrap_or_default()
        });
        let cell = |field: RegisterField| -> String {
            let at = RegisterField::ALL.iter().position(|f| *f == field);
            at.map(|i| cells[i].clone()).unwrap_or_default()
        };
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let name = cell(RegisterField::Name);
        if row.iter().any(|c| is_total(c)) {
            continue;
        }
        let mut problems = Vec::new();
        let town_text = cell(RegisterField::Town);
        let town = match_town(&town_text, known.towns);
        if town.is_none() && !town_text.is_empty() {
            problems.push(format!("乡镇“{town_text}”不在本县乡镇名单中"));
        }
        let (year_built, year_problem) = year_text(&cell(RegisterField::YearBuilt));
        problems.extend(year_problem);
        let mut draft = CompoundDraft {
            name: name.clone(),
            address: cell(RegisterField::Address),
            town_id: town,
            owner_unit: cell(RegisterField::OwnerUnit),
            year_built,
            buildings: count_text(&cell(RegisterField::Buildings), &["栋", "幢"]),
            households: count_text(&cell(RegisterField::Households), &["户"]),
            ..CompoundDraft::default()
        };
        let cluster_name = cell(RegisterField::Cluster);
        let mut new_cluster = None;
        if !cluster_name.is_empty() {
            match clusters.get(&cluster_name) {
                Some(id) => draft.cluster_id = Some(*id),
                None => {
                    let cluster = Cluster {
                        id: ClusterId::new(),
                        name: cluster_name.clone(),
                        town_id: town,
                        plan_year: None,
                    };
                    draft.cluster_id = Some(cluster.id);
                    new_cluster = Some(cluster);
                }
            }
        }
        let compound = match draft.validate(today) {
            Ok(c) => Some(c),
            Err(errors) => {
                problems.extend(errors.into_iter().map(|e| e.message));
                None
            }
        };
        let key = compound.as_ref().map(|c| (c.name.clone(), c.town_id));
        if registered.contains(&(name.as_str(), town)) {
            problems.push("与名册中已有的小区重复（同名、同乡镇）".to_owned());
        } else if let Some(earlier) = planned.get(&(name.clone(), town)) {
            problems.push(format!("与本表第 {earlier} 行重复（同名、同乡镇）"));
        }
        let new_cluster = new_cluster.filter(|_| problems.is_empty());
        // A cluster is created by the first good row that names it; a later row joins it.
        if let Some(k) = &new_cluster {
            clusters.insert(k.name.clone(), k.id);
        }
        if problems.is_empty()
            && let Some(key) = key
        {
            planned.entry(key).or_insert(index + 1);
        }
        plans.push(RowPlan {
            line: index + 1,
            name,
            compound: compound.filter(|_| problems.is_empty()),
            new_cluster,
            problems,
        });
    }
    plans
}

/// The town a cell names: its full name, or a name it is part of (城关 for 城关镇, 回族镇 for
/// 王范回族镇).
fn match_town(text: &str, towns: &[Town]) -> Option<super::ids::TownId> {
    if text.is_empty() {
        return None;
    }
    towns
        .iter()
        .find(|t| t.name == text)
        .or_else(|| {
            let short = text.trim_end_matches(['镇', '乡']);
            let mut found = towns
                .iter()
                .filter(|t| t.name.contains(short) && short.chars().count() >= 2);
            match (found.next(), found.next()) {
                (Some(t), None) => Some(t),
                _ => None,
            }
        })
        .map(|t| t.id)
}

/// A year as the form takes it: "1995", "1995年", "1995.0", "1995-06-01", "1995年6月" all give
/// 1995; "90年代" is not a year.
fn year_text(text: &str) -> (String, Option<String>) {
    if text.is_empty() {
        return (String::new(), None);
    }
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let rest = &text[digits.len()..];
    let plain_rest = rest.is_empty()
        || rest.starts_with('年')
        || rest.starts_with(".0")
        || rest.starts_with('-')
        || rest.starts_with('/')
        || rest.starts_with('.');
    if digits.len() == 4 && plain_rest {
        return (digits, None);
    }
    (
        String::new(),
        Some(format!("建成年代“{text}”不是年份，请写成如 1995")),
    )
}

/// A count as the form takes it: "96", "96户", "96.0", "９６" give 96; anything else is kept as
/// typed, for the form's check to name.
fn count_text(text: &str, units: &[&str]) -> String {
    let mut t = text.trim().to_owned();
    for unit in units {
        t = t.trim_end_matches(unit).trim().to_owned();
    }
    match t.strip_suffix(".0") {
        Some(whole) if whole.chars().all(|c| c.is_ascii_digit()) => whole.to_owned(),
        _ => t,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn headers_are_found_below_a_title_and_guessed_from_their_words() {
        let rows = vec![
            row(&["洛宁县老旧小区台账（2024年）", "", "", ""]),
            row(&["", "", "", ""]),
            row(&["序号", "小区名称", "所属乡镇", "建成年代", "总户数"]),
        ];
        assert_eq!(header_row(&rows), 2);
        let mapping = guess_mapping(&rows[2]);
        assert_eq!(
            mapping,
            vec![
                None,
                Some(RegisterField::Name),
                Some(RegisterField::Town),
                Some(RegisterField::YearBuilt),
                Some(RegisterField::Households),
            ]
        );
    }

    #[test]
    fn spaces_of_every_width_collapse_to_one_and_totals_are_seen_behind_them() {
        assert_eq!(
            normalize("\u{3000} 城关镇\u{3000}\u{00A0} 东关  小区 "),
            "城关镇 东关 小区"
        );
        assert_eq!(normalize("ＡＢ　１２"), "AB 12");
        assert_eq!(normalize(" \t\u{3000}"), "");
        assert!(is_total("\u{3000} 合计"));
        assert!(is_total("小计（城关镇）"));
        assert!(!is_total("合 计"));
        assert!(!is_total("城关合计小区"));
    }

    #[test]
    fn full_width_digits_units_and_year_forms_are_read() {
        assert_eq!(normalize("１９９５年"), "1995年");
        assert_eq!(year_text("1995年").0, "1995");
        assert_eq!(year_text("1995-06-01").0, "1995");
        assert_eq!(year_text("1995.0").0, "1995");
        assert!(year_text("90年代").1.is_some());
        assert_eq!(count_text("96户", &["户"]), "96");
        assert_eq!(count_text("12.0", &[]), "12");
    }
}
