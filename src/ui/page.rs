//! The current screen and its loaded state, as one value. The app shows, reloads and names
//! (breadcrumbs) the page it has; a new screen is one variant here, one module beside this
//! one with its view, its loader and its drawing, and a `Screen` to navigate to it.

use chrono::NaiveDate;
use eframe::egui;

use crate::command::{Command, Screen, UiCommand};
use crate::export::Document;
use crate::model::{Cluster, Subject, Town};
use crate::store::{Counted, Store, StoreError};
use crate::ui::checklist::ChecklistView;
use crate::ui::cluster_page::ClusterView;
use crate::ui::compound_list::{RegisterQuery, RegisterView};
use crate::ui::compound_page::CompoundView;
use crate::ui::exchange::ExchangeView;
use crate::ui::no_database::NoDatabase;
use crate::ui::progress::ProgressView;
use crate::ui::rectification_list::RectificationsView;
use crate::ui::rhythm::RhythmView;
use crate::ui::settings_page::SettingsView;
use crate::ui::survey_form::SurveyView;
use crate::ui::{
    checklist, cluster_page, compound_list, compound_page, exchange, no_database, progress,
    rectification_list, rhythm, settings_page, survey_form,
};

/// The screen on show with its state.
#[derive(Debug)]
pub enum Page {
    /// No database is open: why.
    NoDatabase(NoDatabase),
    Register(RegisterView),
    Compound(Box<CompoundView>),
    Inspection(Box<ChecklistView>),
    Survey(Box<SurveyView>),
    Cluster(Box<ClusterView>),
    Rectifications(RectificationsView),
    Exchange(Box<ExchangeView>),
    Progress(Box<ProgressView>),
    Rhythm(Box<RhythmView>),
    Settings(Box<SettingsView>),
    /// A screen that reads many records, being read in the background.
    Loading(Screen),
}

/// What every screen may read while it draws, besides its own state.
#[derive(Debug)]
pub struct Shared<'a> {
    pub db_path: &'a std::path::Path,
    pub towns: &'a [Town],
    pub clusters: &'a [Cluster],
    /// The file's policy pack: its phases and money rule filter the register.
    pub pack: Option<&'a crate::model::policy_pack::PolicyPack>,
    /// The register's search, sort and filters, kept while other screens are shown.
    pub register_query: &'a mut RegisterQuery,
    /// A background export is running (its buttons wait).
    pub exporting: bool,
    /// What the check of every signed record found on opening (once it has run).
    pub audit: Option<&'a crate::store::Audit>,
    /// A package given to open that waits for a database to be opened or created.
    pub waiting_package: Option<&'a std::path::Path>,
}

/// One step of the breadcrumb trail: its text, and where a click goes.
pub type Crumb = (String, Option<Command>);

impl Page {
    /// Reads what `screen` shows from the store.
    pub fn load(
        screen: Screen,
        store: &Store,
        today: NaiveDate,
        settings: &crate::model::settings::Settings,
    ) -> Result<Self, StoreError> {
        Ok(match screen {
            Screen::NoDatabase => Self::NoDatabase(NoDatabase::Missing),
            Screen::Register => Self::Register(RegisterView::load(store)?),
            Screen::Compound(id) => Self::Compound(Box::new(CompoundView::load(store, id)?)),
            Screen::Inspection(id) => {
                Self::Inspection(Box::new(ChecklistView::load(store, id, today)?))
            }
            Screen::Survey(id) => Self::Survey(Box::new(SurveyView::load(store, id)?)),
            Screen::Cluster(id) => Self::Cluster(Box::new(ClusterView::load(store, id)?)),
            Screen::Rectifications => Self::Rectifications(RectificationsView::load(store, today)?),
            Screen::Exchange => Self::Exchange(Box::new(ExchangeView::load(store)?)),
            Screen::Progress => Self::Progress(Box::new(ProgressView::load(store, today)?)),
            Screen::Rhythm(choice) => Self::Rhythm(Box::new(RhythmView::load(store, choice)?)),
            Screen::Settings => Self::Settings(Box::new(SettingsView::load(
                settings,
                store.path().unwrap_or(std::path::Path::new("")),
            ))),
        })
    }

    /// Whether `screen` reads so much that it loads in the background (a large register, a
    /// checklist with many photos to decode, a large cluster).
    pub fn loads_slowly(screen: Screen, store: &Store) -> Result<bool, StoreError> {
        Ok(match screen {
            Screen::Register => store.count_of(Counted::Compounds)? > 3_000,
            // Every round's items are read: 2,000 rounds took 17 ms on the UI thread.
            Screen::Rectifications => store.count_of(Counted::Inspections)? > 500,
            Screen::Progress | Screen::Rhythm(_) => store.count_of(Counted::Compounds)? > 3_000,
            Screen::Inspection(id) => store.count_of(Counted::PhotosOfRound(id))? > 24,
            Screen::Cluster(id) => store.count_of(Counted::MembersOf(id))? > 200,
            Screen::NoDatabase
            | Screen::Compound(_)
            | Screen::Survey(_)
            | Screen::Exchange
            | Screen::Settings => false,
        })
    }

    /// Where this page is.
    pub fn screen(&self) -> Screen {
        match self {
            Self::Loading(screen) => *screen,
            Self::NoDatabase(_) => Screen::NoDatabase,
            Self::Register(_) => Screen::Register,
            Self::Compound(view) => Screen::Compound(view.compound.id),
            Self::Inspection(view) => Screen::Inspection(view.inspection.id),
            Self::Survey(view) => Screen::Survey(view.survey.id),
            Self::Cluster(view) => Screen::Cluster(view.cluster.id),
            Self::Rectifications(_) => Screen::Rectifications,
            Self::Exchange(_) => Screen::Exchange,
            Self::Progress(_) => Screen::Progress,
            Self::Rhythm(view) => Screen::Rhythm(view.choice),
            Self::Settings(_) => Screen::Settings,
        }
    }

    /// Takes a freshly loaded page: the same screen keeps what is being typed, drawn or
    /// selected; another screen replaces this one.
    pub fn refresh(&mut self, fresh: Self) {
        match (self, fresh) {
            (Self::Inspection(view), Self::Inspection(fresh))
                if view.inspection.id == fresh.inspection.id =>
            {
                view.update(*fresh);
            }
            (Self::Survey(view), Self::Survey(fresh)) if view.survey.id == fresh.survey.id => {
                view.update(*fresh);
            }
            (Self::Cluster(view), Self::Cluster(fresh)) if view.cluster.id == fresh.cluster.id => {
                view.update(*fresh);
            }
            (Self::Exchange(view), Self::Exchange(fresh)) => view.update(*fresh),
            (Self::Progress(view), Self::Progress(fresh)) => view.update(*fresh),
            (Self::Rhythm(view), Self::Rhythm(fresh)) => view.update(*fresh),
            (Self::Settings(view), Self::Settings(fresh)) => view.update(*fresh),
            (page, fresh) => *page = fresh,
        }
    }

    /// The path from the register to this page.
    pub fn breadcrumbs(&self) -> Vec<Crumb> {
        let mut crumbs = vec![("小区名册".to_owned(), Some(Command::Show(Screen::Register)))];
        match self {
            Self::NoDatabase(_) => return Vec::new(),
            Self::Register(_) => {}
            Self::Compound(view) => crumbs.push((view.compound.name.clone(), None)),
            Self::Inspection(view) => {
                let back = match view.inspection.subject {
                    Subject::Compound(id) => Screen::Compound(id),
                    Subject::Cluster(id) => Screen::Cluster(id),
                };
                crumbs.push((view.subject_name.clone(), Some(Command::Show(back))));
                crumbs.push((
                    format!(
                        "验收 {}",
                        crate::model::date_text(view.inspection.inspected_on)
                    ),
                    None,
                ));
            }
            Self::Survey(view) => {
                crumbs.push((
                    view.compound.name.clone(),
                    Some(Command::Show(Screen::Compound(view.compound.id))),
                ));
                crumbs.push((format!("第 {} 轮调查", view.survey.round), None));
            }
            Self::Cluster(view) => crumbs.push((format!("片区：{}", view.cluster.name), None)),
            Self::Rectifications(_) => crumbs.push(("整改清单".to_owned(), None)),
            Self::Exchange(_) => crumbs.push(("数据交换".to_owned(), None)),
            Self::Progress(_) => crumbs.push(("进度".to_owned(), None)),
            Self::Rhythm(_) => crumbs.push(("推进机制".to_owned(), None)),
            Self::Settings(_) => crumbs.push(("设置".to_owned(), None)),
            Self::Loading(_) => crumbs.push(("正在读取…".to_owned(), None)),
        }
        crumbs
    }

    /// The commands this page answers from the keyboard, besides the global ones.
    pub fn keyboard_commands(&self) -> Vec<Command> {
        match self {
            Self::Inspection(view) if !view.inspection.is_signed_off() => {
                UiCommand::CHECKLIST_KEYS.map(Command::Ui).to_vec()
            }
            Self::NoDatabase(_)
            | Self::Register(_)
            | Self::Compound(_)
            | Self::Inspection(_)
            | Self::Survey(_)
            | Self::Cluster(_)
            | Self::Rectifications(_)
            | Self::Exchange(_)
            | Self::Progress(_)
            | Self::Rhythm(_)
            | Self::Settings(_)
            | Self::Loading(_) => Vec::new(),
        }
    }

    /// The document `UiCommand::ExportCurrent` (Ctrl+P) writes here, if any.
    pub fn main_document(&self) -> Option<Document> {
        match self {
            Self::Inspection(view) => Some(Document::AcceptanceSheet(view.inspection.id)),
            Self::Survey(view) => Some(Document::SurveyForm(view.survey.id)),
            Self::Cluster(view) => Some(Document::OverallSummary(view.cluster.id)),
            Self::Progress(_) => Some(Document::ProgressReport),
            Self::Rhythm(view) => Some(match view.tab {
                rhythm::Tab::Observation => Document::ObservationPlan(view.choice.month),
                rhythm::Tab::Quarter => Document::QuarterEvaluation(view.choice.quarter),
                rhythm::Tab::Daily | rhythm::Tab::Meetings | rhythm::Tab::Rules => {
                    Document::Bulletin {
                        date: view.choice.day,
                        xlsx: false,
                    }
                }
            }),
            Self::NoDatabase(_)
            | Self::Register(_)
            | Self::Compound(_)
            | Self::Rectifications(_)
            | Self::Exchange(_)
            | Self::Settings(_)
            | Self::Loading(_) => None,
        }
    }

    /// Draws the page in the central panel.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        shared: &mut Shared<'_>,
        commands: &mut Vec<Command>,
    ) {
        match self {
            Self::NoDatabase(why) => {
                no_database::show(ui, shared.db_path, shared.waiting_package, why, commands)
            }
            Self::Register(view) => compound_list::show(
                ui,
                view,
                shared.register_query,
                (shared.towns, shared.clusters, shared.audit),
                shared.pack,
                commands,
            ),
            Self::Compound(view) => compound_page::show(ui, view, shared.audit, commands),
            Self::Inspection(view) => checklist::show(ui, view, shared.exporting, commands),
            Self::Survey(view) => survey_form::show(ui, view, commands),
            Self::Cluster(view) => cluster_page::show(ui, view, shared.audit, commands),
            Self::Rectifications(view) => rectification_list::show(ui, view, commands),
            Self::Exchange(view) => exchange::show(ui, view, commands),
            Self::Progress(view) => progress::show(ui, view, commands),
            Self::Rhythm(view) => rhythm::show(ui, view, commands),
            Self::Settings(view) => settings_page::show(ui, view, shared.towns, commands),
            Self::Loading(_) => {
                ui.add_space(40.0);
                ui.vertical_centered(|ui| ui.label("正在读取，请稍候…"));
            }
        }
    }
}
