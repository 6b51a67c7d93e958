//! The compound register: a searchable, sortable table.

use eframe::egui;
use egui_extras::TableBuilder;

use crate::command::{Command, Screen, UiCommand};
use crate::model::{Cluster, ClusterId, Eligibility, Stage, SurveyStatus, Town, TownId};
use crate::store::{Audit, CompoundRow, Store, StoreError};
use crate::ui::widgets::command_button;

mod columns;
use columns::Column;

/// A column the register can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Town,
    Cluster,
    YearBuilt,
    Households,
    LastInspected,
    Stage,
    Phase,
    Eligibility,
    Survey,
}

/// What the user asked the register to show: search, sort and filters. Kept by the app while
/// other screens are shown, so coming back finds the register as it was left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterQuery {
    pub search: String,
    pub sort: SortColumn,
    pub ascending: bool,
    pub filter: RegisterFilter,
}

impl Default for RegisterQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: SortColumn::Name,
            ascending: true,
            filter: RegisterFilter::default(),
        }
    }
}

/// The register's rows, and their order under the query last drawn.
#[derive(Debug, Default)]
pub struct RegisterView {
    rows: Vec<CompoundRow>,
    /// Each row's sort keys, beside it.
    keys: Vec<RowKeys>,
    /// Indices into `rows` in display order, for `visible_key`.
    visible: Vec<usize>,
    visible_key: Option<RegisterQuery>,
    /// Compounds with a conflict from a field package not yet settled: marked.
    in_conflict: std::collections::HashSet<crate::model::CompoundId>,
    /// The first rows only, while the whole register is read in the background: how many
    /// compounds there are in all.
    pub partial_of: Option<u64>,
}

/// A register of 100,000 rows takes 10–20 ms to free: longer than a frame. A large one is
/// freed on a thread of its own, so leaving the register (or reloading it) does not stall the
/// window.
impl Drop for RegisterView {
    fn drop(&mut self) {
        const LARGE: usize = 10_000;
        if self.rows.len() < LARGE {
            return;
        }
        crate::ui::free_in_background((
            std::mem::take(&mut self.rows),
            std::mem::take(&mut self.keys),
            std::mem::take(&mut self.visible),
        ));
    }
}

/// The register's filters; `None` shows all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterFilter {
    pub town: Option<TownId>,
    pub cluster: Option<ClusterId>,
    pub eligibility: Option<Eligibility>,
    pub survey_status: Option<SurveyStatus>,
    pub stage: Option<Stage>,
    pub phase: Option<crate::model::programme::Phase>,
    /// Only compounds whose funding entries break a rule of 五、（一）.
    pub funding_flagged: bool,
}

impl RegisterFilter {
    fn accepts(&self, r: &CompoundRow) -> bool {
        self.town.is_none_or(|t| r.compound.town_id == Some(t))
            && self
                .cluster
                .is_none_or(|k| r.compound.cluster_id == Some(k))
            && self.eligibility.is_none_or(|e| r.eligibility == e)
            && self.survey_status.is_none_or(|s| r.survey_status == s)
            && self.stage.is_none_or(|s| r.stage == s)
            && self.phase.is_none_or(|p| r.phase == Some(p))
            && (!self.funding_flagged || !r.funding_checks.is_empty())
    }
}

/// A row's texts as they sort: in pinyin (worked out once, when the rows are read).
#[derive(Clone, Debug, Default)]
struct RowKeys {
    name: String,
    town: String,
    cluster: String,
}

impl RowKeys {
    fn of(row: &CompoundRow) -> Self {
        Self {
            name: pinyin_key(&row.compound.name),
            town: pinyin_key(&row.town_name),
            cluster: pinyin_key(&row.cluster_name),
        }
    }
}

/// A text's sort key in pinyin order: each Chinese character as its syllable (without tones),
/// anything else as it is. 公安局 before 交通局 before 农业局, as a person expects.
pub fn pinyin_key(text: &str) -> String {
    use pinyin::ToPinyin as _;
    let mut key = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                key.push_str(p.plain());
                key.push(' ');
            }
            None => key.push(c),
        }
    }
    key
}

impl RegisterView {
    /// Every compound of the register.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let mut view = Self::with_rows(store.compound_rows()?);
        view.in_conflict = store.compounds_in_conflict()?;
        Ok(view)
    }

    pub fn with_rows(rows: Vec<CompoundRow>) -> Self {
        let keys = rows.iter().map(RowKeys::of).collect();
        Self {
            keys,
            rows,
            visible: Vec::new(),
            visible_key: None,
            in_conflict: std::collections::HashSet::new(),
            partial_of: None,
        }
    }

    /// The first `limit` compounds by name, at once, while the rest are read in the background.
    pub fn first_rows(store: &Store, limit: usize) -> Result<Self, StoreError> {
        let mut view = Self::with_rows(store.first_compound_rows(limit)?);
        // A count by the smallest index: the sample count (a scan of every row, 8–30 ms at
        // 100,000) is not needed here.
        view.partial_of = Some(
            store
                .count_of(crate::store::Counted::Compounds)?
                .try_into()
                .unwrap_or(0),
        );
        Ok(view)
    }

    pub fn rows(&self) -> &[CompoundRow] {
        &self.rows
    }

    /// The rows matching `query`, in its order; recomputed only when the query changed.
    pub fn visible(&mut self, query: &RegisterQuery) -> &[usize] {
        let key = RegisterQuery {
            search: query.search.trim().to_owned(),
            ..query.clone()
        };
        if self.visible_key.as_ref() != Some(&key) {
            let needle = key.search.as_str();
            let mut visible: Vec<usize> = (0..self.rows.len())
                .filter(|&i| {
                    let r = &self.rows[i];
                    let c = &r.compound;
                    key.filter.accepts(r)
                        && (needle.is_empty()
                            || c.name.contains(needle)
                            || c.address.contains(needle))
                })
                .collect();
            let (rows, keys) = (&self.rows, &self.keys);
            visible.sort_by(|&a, &b| {
                let (ka, kb) = (&keys[a], &keys[b]);
                let (a, b) = (&rows[a], &rows[b]);
                // Names in pinyin order (安, 北, 城…), as people look them up.
                let by_name = ka
                    .name
                    .cmp(&kb.name)
                    .then_with(|| a.compound.name.cmp(&b.compound.name));
                let order = match key.sort {
                    SortColumn::Name => by_name,
                    SortColumn::Town => ka.town.cmp(&kb.town),
                    SortColumn::Cluster => ka.cluster.cmp(&kb.cluster),
                    SortColumn::YearBuilt => a.compound.year_built.cmp(&b.compound.year_built),
                    SortColumn::Households => a.compound.households.cmp(&b.compound.households),
                    SortColumn::LastInspected => a.last_inspected_on.cmp(&b.last_inspected_on),
                    SortColumn::Stage => a.stage.cmp(&b.stage),
                    SortColumn::Phase => a.phase.cmp(&b.phase),
                    SortColumn::Eligibility => a.eligibility.label().cmp(b.eligibility.label()),
                    SortColumn::Survey => a.survey_completeness.cmp(&b.survey_completeness),
                };
                let order = order.then(by_name);
                if key.ascending {
                    order
                } else {
                    order.reverse()
                }
            });
            self.visible = visible;
            self.visible_key = Some(key);
        }
        &self.visible
    }
}

impl RegisterQuery {
    fn sort_header(&mut self, ui: &mut egui::Ui, title: &str, column: SortColumn) {
        let arrow = match (self.sort == column, self.ascending) {
            (true, true) => " ▲",
            (true, false) => " ▼",
            (false, _) => "",
        };
        let response = ui
            .add(
                egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong())
                    .frame(false),
            )
            .on_hover_text(format!("按{title}排序"));
        if response.clicked() {
            if self.sort == column {
                self.ascending = !self.ascending;
            } else {
                self.sort = column;
                self.ascending = true;
            }
        }
    }
}

fn opt_number<T: ToString>(value: Option<T>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "—".to_owned())
}

/// A filter drop-down; `None` is 全部.
/// A filter's box width.
const COMBO_WIDTH: f32 = 110.0;

fn filter_combo<T: Clone + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut Option<T>,
    options: &[(T, String)],
) {
    // Label and box move to the next line together, and a label is never broken (it read
    // "改 / 造进程" at the end of a narrow row). The pair asks for its whole width up front:
    // a wrapping row then starts a new line for it, where a plain `horizontal` would run past
    // the window's edge and widen the whole page (the register's table then thought it had
    // 1,018 points on a 683-point window).
    let label_width = egui::WidgetText::from(label)
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        )
        .size()
        .x;
    let width = label_width
        + ui.spacing().item_spacing.x
        + COMBO_WIDTH
        + ui.spacing().icon_width
        + 2.0 * ui.spacing().button_padding.x;
    let size = egui::vec2(width, ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(
        size,
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            let label_response = ui.add(egui::Label::new(label).extend());
            let selected = value
                .as_ref()
                .and_then(|v| options.iter().find(|(o, _)| o == v))
                .map_or("全部", |(_, name)| name.as_str());
            egui::ComboBox::from_id_salt(label)
                .selected_text(selected)
                .width(COMBO_WIDTH)
                .show_ui(ui, |ui| {
                    ui.selectable_value(value, None, "全部");
                    for (option, name) in options {
                        ui.selectable_value(value, Some(option.clone()), name);
                    }
                })
                .response
                .labelled_by(label_response.id);
        },
    );
}

fn filters(
    ui: &mut egui::Ui,
    query: &mut RegisterQuery,
    (towns, clusters): (&[Town], &[Cluster]),
    pack: Option<&crate::model::policy_pack::PolicyPack>,
) {
    ui.horizontal_wrapped(|ui| {
        let towns: Vec<_> = towns.iter().map(|t| (t.id, t.name.clone())).collect();
        filter_combo(ui, "乡镇", &mut query.filter.town, &towns);
        let clusters: Vec<_> = clusters.iter().map(|k| (k.id, k.name.clone())).collect();
        filter_combo(ui, "片区", &mut query.filter.cluster, &clusters);
        let eligibility: Vec<_> = Eligibility::ALL
            .iter()
            .map(|e| (*e, e.label().to_owned()))
            .collect();
        filter_combo(ui, "资格", &mut query.filter.eligibility, &eligibility);
        let status: Vec<_> = SurveyStatus::ALL
            .iter()
            .map(|s| (*s, s.label().to_owned()))
            .collect();
        filter_combo(ui, "调查状态", &mut query.filter.survey_status, &status);
        let stages: Vec<_> = Stage::ALL
            .iter()
            .map(|s| (*s, s.label().to_owned()))
            .collect();
        filter_combo(ui, "验收状态", &mut query.filter.stage, &stages);
        let phases: Vec<_> = pack
            .into_iter()
            .flat_map(|p| p.programme.phases())
            .map(|p| (p, p.label().to_owned()))
            .collect();
        filter_combo(ui, "改造进程", &mut query.filter.phase, &phases);
        let flagged = ui.checkbox(&mut query.filter.funding_flagged, "只看资金核查有问题的");
        if let Some(pack) = pack {
            flagged.on_hover_text(format!("违反资金规定：{}", pack.funding_rule()));
        }
        if query.filter != RegisterFilter::default() && ui.button("清除筛选").clicked() {
            query.filter = RegisterFilter::default();
        }
    });
}

pub fn show(
    ui: &mut egui::Ui,
    view: &mut RegisterView,
    query: &mut RegisterQuery,
    (towns, clusters, audit): (&[Town], &[Cluster], Option<&Audit>),
    pack: Option<&crate::model::policy_pack::PolicyPack>,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading("小区名册");
        ui.add_space(16.0);
        command_button(ui, UiCommand::AddCompound, commands);
        ui.add_space(16.0);
        let label = ui.label("搜索");
        ui.add(
            egui::TextEdit::singleline(&mut query.search)
                .hint_text("小区名称或地址")
                .desired_width(240.0),
        )
        .labelled_by(label.id);
        let total = view.rows.len();
        let shown = view.visible(query).len();
        ui.label(match view.partial_of {
            Some(all) => format!("已显示前 {total} 个，共 {all} 个小区，其余正在读取…"),
            None if shown == total => format!("共 {total} 个小区"),
            None => format!("显示 {shown} / {total} 个小区"),
        });
    });
    filters(ui, query, (towns, clusters), pack);
    ui.separator();

    if view.rows.is_empty() {
        ui.add_space(30.0);
        ui.vertical_centered(|ui| {
            ui.label(
                "名册中还没有小区。点击“新增小区”登记第一个，或从“文件”菜单新建示例数据库练习。",
            );
        });
        return;
    }

    // Make sure the cached order is current; the body reads it without copying.
    view.visible(query);
    // On a narrow window the columns the compound's page also shows give way, down to what a
    // 1024×600 laptop at text size 1.5 holds with the row's buttons in view; narrower still,
    // the table scrolls sideways.
    let width = ui.available_width();
    let columns = if width >= 1_380.0 {
        Column::WIDE.as_slice()
    } else if width >= 940.0 {
        Column::NARROW.as_slice()
    } else {
        Column::COMPACT.as_slice()
    };
    let row_height = 30.0;
    egui::ScrollArea::horizontal()
        .id_salt("register_sideways")
        .show(ui, |ui| {
            ui.style_mut().interaction.selectable_labels = false;
            let mut table = TableBuilder::new(ui)
                .id_salt(("register", columns.len()))
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
            for column in columns {
                table = table.column(column.size());
            }
            table
                .header(row_height, |mut header| {
                    for column in columns {
                        header.col(|ui| match column.sort() {
                            Some(sort) => query.sort_header(ui, column.title(), sort),
                            None => {
                                ui.strong(column.title());
                            }
                        });
                    }
                })
                .body(|body| {
                    // Only the rows on screen are laid out: smooth with 100,000 compounds.
                    body.rows(row_height, view.visible.len(), |mut row| {
                        let r = &view.rows[view.visible[row.index()]];
                        for column in columns {
                            let marks = (audit, view.in_conflict.contains(&r.compound.id));
                            row.col(|ui| column.cell(ui, r, marks, commands));
                        }
                        if row.response().double_clicked() {
                            commands.push(Command::Show(Screen::Compound(r.compound.id)));
                        }
                    });
                });
        });
}
