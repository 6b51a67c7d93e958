//! The 片区综合验收汇总表: one sheet per cluster with every member compound's own acceptance
//! (verdict, round, 校验码, open rectifications) and the cluster acceptance against the
//! cluster standard, 五全 and 九位一体, counted standard by standard
//! (宁政办〔2021〕17号 二、（四）; 四、（二）4 改造一个、合格一个、交付一个).

use chrono::NaiveDate;

use super::ExportError;
use super::acceptance_sheet::member_status_ink;
use super::canvas::{Canvas, Ink};
use super::layout::{
    Cell, MARGIN, PageMark, SignerBox, captioned_table, details_grid, ensure_space, footers,
    placeholder_row, signature_boxes, text_box, title_block,
};
use crate::model::{
    Catalogue, Clock, Cluster, ClusterId, ItemResult, MemberStatus, RectificationStatus, RoundKind,
    Subject, Verdict, cluster_acceptance::member_changes, cluster_verdict, date_text,
    signoff::short_code,
};
use crate::store::{Store, StoreError};

/// The sheet's title.
pub const OVERALL_TITLE: &str = "城镇老旧小区组团连片改造提质综合验收汇总表";

/// One member compound's line.
#[derive(Clone, Debug)]
pub struct OverallMember {
    pub name: String,
    pub households: Option<u32>,
    pub status: MemberStatus,
    /// The latest round: date, number and kind.
    pub latest: Option<(NaiveDate, u32, RoundKind)>,
    pub code: Option<String>,
    /// Open rectifications, and how many of them are overdue.
    pub open_rectifications: (usize, usize),
}

/// One standard's (or group's) count in the cluster acceptance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCount {
    pub standard: String,
    pub group: String,
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub undecided: usize,
}

/// The cluster acceptance as the summary shows it: its latest round and the findings after
/// every round so far.
#[derive(Clone, Debug)]
pub struct ClusterAcceptanceLine {
    pub inspected_on: NaiveDate,
    pub round: u32,
    pub kind: RoundKind,
    pub verdict: Verdict,
    pub code: Option<String>,
    pub groups: Vec<GroupCount>,
    /// When signed off: what has changed among the members since.
    pub changes_since_signed: Vec<String>,
}

/// Everything the summary shows, owned, so it can be rendered on another thread.
#[derive(Clone, Debug)]
pub struct OverallSheet {
    pub cluster: Cluster,
    pub town_name: String,
    /// When it is drawn up: the day open rectifications are judged against.
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
    pub is_sample: bool,
    pub members: Vec<OverallMember>,
    pub acceptance: Option<ClusterAcceptanceLine>,
}

impl OverallSheet {
    /// Reads what the summary of cluster `id` needs, as it stands at `clock`'s moment.
    pub fn load(store: &Store, id: ClusterId, clock: Clock) -> Result<Self, StoreError> {
        let today = clock.today();
        let cluster = store.cluster(id)?;
        let town_name = match cluster.town_id {
            Some(t) => store.town_name(t)?.unwrap_or_default(),
            None => String::new(),
        };
        let open = store.open_rectifications(today)?;
        let rows = store.cluster_rows(id)?;
        let is_sample = !rows.is_empty() && rows.iter().all(|r| r.compound.is_sample);
        // Read once: every member's acceptance as it stands now.
        let live = store.member_acceptances(id)?;
        let mut members = Vec::new();
        for acceptance in live.iter().cloned() {
            let subject = Subject::Compound(acceptance.compound_id);
            let latest = match store.newest_inspection(subject)? {
                Some(newest) => Some(store.inspection(newest)?),
                None => None,
            };
            let open_here: Vec<_> = open.iter().filter(|l| l.subject == subject).collect();
            members.push(OverallMember {
                households: rows
                    .iter()
                    .find(|r| r.compound.id == acceptance.compound_id)
                    .and_then(|r| r.compound.households),
                name: acceptance.name,
                status: acceptance.status,
                latest: latest.map(|i| (i.inspected_on, i.round, i.kind)),
                code: acceptance.code,
                open_rectifications: (
                    open_here.len(),
                    open_here
                        .iter()
                        .filter(|l| l.status == RectificationStatus::Overdue)
                        .count(),
                ),
            });
        }
        let acceptance = match store.newest_inspection(Subject::Cluster(id))? {
            None => None,
            Some(newest) => {
                let chain = store.chain_of(newest)?;
                let items = chain.effective_items();
                let Some(round) = chain.rounds.iter().find(|r| r.id == newest) else {
                    return Err(StoreError::NotFound {
                        what: "验收记录",
                        id: newest.to_string(),
                    });
                };
                let catalogue = Catalogue::version(&round.catalogue_version);
                let mut groups: Vec<GroupCount> = Vec::new();
                for item in &items {
                    let standard = catalogue
                        .and_then(|c| c.standard(&item.standard.standard))
                        .map_or_else(|| item.standard.standard.clone(), |s| s.name.clone());
                    let index = match groups
                        .iter()
                        .position(|g| g.standard == standard && g.group == item.standard.group)
                    {
                        Some(i) => i,
                        None => {
                            groups.push(GroupCount {
                                standard,
                                group: item.standard.group.clone(),
                                pass: 0,
                                fail: 0,
                                not_applicable: 0,
                                undecided: 0,
                            });
                            groups.len() - 1
                        }
                    };
                    let g = &mut groups[index];
                    match item.result {
                        Some(ItemResult::Pass) => g.pass += 1,
                        Some(ItemResult::Fail) => g.fail += 1,
                        Some(ItemResult::NotApplicable) => g.not_applicable += 1,
                        None => g.undecided += 1,
                    }
                }
                // After every round so far, against the members as sealed (or as they stand).
                let (members, changes_since_signed) = if round.is_signed_off() {
                    (&round.members, member_changes(&round.members, &live))
                } else {
                    (&live, Vec::new())
                };
                Some(ClusterAcceptanceLine {
                    inspected_on: round.inspected_on,
                    round: round.round,
                    kind: round.kind,
                    verdict: cluster_verdict(&items, members),
                    code: round.seal.as_deref().map(short_code),
                    groups,
                    changes_since_signed,
                })
            }
        };
        Ok(Self {
            cluster,
            town_name,
            issuer: super::issuer::Issuer::of(store)?,
            clock,
            is_sample,
            members,
            acceptance,
        })
    }
}

/// Member table columns: title and width in mm (sums to the content width).
const MEMBER_COLUMNS: [(&str, f32); 7] = [
    ("序号", 10.0),
    ("小区名称", 40.0),
    ("户数", 14.0),
    ("最近验收", 34.0),
    ("验收情况", 28.0),
    // Wide enough for any code on one line (D and B are wider than digits).
    ("校验码", 32.0),
    ("未完成整改", 22.0),
];

/// Group count columns (sums to the content width).
const GROUP_COLUMNS: [(&str, f32); 6] = [
    ("标准", 52.0),
    ("类别", 32.0),
    ("合格", 24.0),
    ("不合格", 24.0),
    ("不适用", 24.0),
    ("未判定", 24.0),
];

/// Renders the summary to PDF bytes.
pub fn render_overall_sheet(sheet: &OverallSheet) -> Result<Vec<u8>, ExportError> {
    let title = sheet.issuer.title(OVERALL_TITLE);
    let mut c = Canvas::new(&title, &sheet.clock)?;
    let subtitle = format!(
        "依据：{} 二、（四）改造提质标准；{} 改造一个、合格一个、交付一个",
        sheet.issuer.plan_number, sheet.issuer.acceptance_clause
    );
    let mut y = title_block(&mut c, &title, &subtitle, sheet.is_sample);
    let accepted = sheet
        .members
        .iter()
        .filter(|m| m.status == MemberStatus::Accepted)
        .count();
    let households: u32 = sheet.members.iter().filter_map(|m| m.households).sum();
    let details = [
        [
            ("片区名称", sheet.cluster.name.clone()),
            (
                "所属乡镇",
                if sheet.town_name.is_empty() {
                    "—".to_owned()
                } else {
                    sheet.town_name.clone()
                },
            ),
        ],
        [
            (
                "计划年度",
                sheet
                    .cluster
                    .plan_year
                    .map_or("—".to_owned(), |y| format!("{y} 年")),
            ),
            (
                "小区/户数",
                format!("{} 个 / {households} 户", sheet.members.len()),
            ),
        ],
        [
            ("汇总日期", date_text(sheet.clock.today())),
            (
                "验收标准",
                "小区“三入、四通、四有、两整”；片区“三合、三整、九有”".to_owned(),
            ),
        ],
    ];
    y = details_grid(&mut c, y, &details);

    y = captioned_table(
        &mut c,
        y + 4.0,
        &format!(
            "一、小区验收（合格并交付 {accepted}/{} 个）",
            sheet.members.len()
        ),
        &MEMBER_COLUMNS,
        &member_rows(sheet),
    );

    const CLUSTER_CAPTION: &str =
        "二、片区验收（片区标准“三合、三整、九有”、绿色社区，总要求“五全”“九位一体”）";
    y = match &sheet.acceptance {
        None => {
            // The caption and its box start together.
            let y = ensure_space(&mut c, y + 4.0, 30.0);
            c.text(MARGIN, y + 4.0, 10.0, Ink::Black, CLUSTER_CAPTION);
            text_box(
                &mut c,
                y + 6.0,
                &[
                    ("片区验收：".to_owned(), Ink::Black),
                    ("尚未进行".to_owned(), Ink::Black),
                ],
                "各小区均验收合格并签字后，由县住建局组织片区验收。",
            )
        }
        Some(a) => {
            let rows: Vec<Vec<Cell>> = a
                .groups
                .iter()
                .map(|g| {
                    let count =
                        |n: usize, ink: Ink| (n.to_string(), if n > 0 { ink } else { Ink::Black });
                    vec![
                        (g.standard.clone(), Ink::Black),
                        (g.group.clone(), Ink::Black),
                        count(g.pass, Ink::Green),
                        count(g.fail, Ink::Red),
                        count(g.not_applicable, Ink::Black),
                        count(g.undecided, Ink::Black),
                    ]
                })
                .collect();
            let y = captioned_table(&mut c, y + 4.0, CLUSTER_CAPTION, &GROUP_COLUMNS, &rows);
            let ink = match a.verdict {
                Verdict::Passed => Ink::Green,
                Verdict::Failed { .. } => Ink::Red,
                Verdict::Incomplete { .. } => Ink::Black,
            };
            let signed = match &a.code {
                Some(code) => format!("已签字确认，校验码：{code}"),
                None => "尚未签字确认".to_owned(),
            };
            text_box(
                &mut c,
                y + 4.0,
                &[
                    ("片区验收结论：".to_owned(), Ink::Black),
                    (a.verdict.label().to_owned(), ink),
                ],
                &format!(
                    "最近一轮：{}，第 {} 轮（{}），{signed}。\n{}{}",
                    date_text(a.inspected_on),
                    a.round,
                    a.kind.label(),
                    a.verdict.explanation(),
                    if a.changes_since_signed.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "\n注意：签字确认后小区情况已有变化：{}。",
                            a.changes_since_signed.join("；")
                        )
                    }
                ),
            )
        }
    };
    let signers: Vec<SignerBox> = ["县住房和城乡建设局", "属地乡镇（街道）", "编制人", "审核人"]
        .iter()
        .map(|t| SignerBox {
            title: (*t).to_owned(),
            ..SignerBox::default()
        })
        .collect();
    signature_boxes(&mut c, y + 4.0, "汇总单位签字", &signers);
    footers(
        &mut c,
        &format!("{title} · {}", sheet.cluster.name),
        &PageMark::Plain,
    );
    Ok(c.finish())
}

fn member_rows(sheet: &OverallSheet) -> Vec<Vec<Cell>> {
    if sheet.members.is_empty() {
        return vec![placeholder_row(MEMBER_COLUMNS.len(), "片区内还没有小区")];
    }
    sheet
        .members
        .iter()
        .enumerate()
        .map(|(index, m)| {
            let latest = m.latest.map_or("—".to_owned(), |(date, round, kind)| {
                format!("{}\n第 {round} 轮{}", date_text(date), kind.label())
            });
            let (open, overdue) = m.open_rectifications;
            let rectifications = match (open, overdue) {
                (0, _) => ("无".to_owned(), Ink::Black),
                (n, 0) => (format!("{n} 项"), Ink::Black),
                (n, o) => (format!("{n} 项\n其中逾期 {o} 项"), Ink::Red),
            };
            vec![
                ((index + 1).to_string(), Ink::Black),
                (m.name.clone(), Ink::Black),
                (
                    m.households.map_or("—".to_owned(), |h| h.to_string()),
                    Ink::Black,
                ),
                (latest, Ink::Black),
                (m.status.label().to_owned(), member_status_ink(m.status)),
                (m.code.clone().unwrap_or_else(|| "—".to_owned()), Ink::Black),
                rectifications,
            ]
        })
        .collect()
}
