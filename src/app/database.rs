//! The database file the app works on: opening another (for writing if this window may, else
//! for viewing), creating one only when asked, the sample set, and reading what the page on
//! show needs.

use std::path::Path;

use super::App;
use super::command_handling::today;
use crate::command::{Command, Screen};
use crate::store::{Store, StoreError};
use crate::ui::Page;
use crate::ui::compound_list::RegisterQuery;
use crate::ui::no_database::NoDatabase;

impl App {
    pub(super) fn open_database_at(&mut self, path: &Path) {
        self.dialog = None;
        self.switch_database(path);
    }

    pub(super) fn create_database_at(&mut self, path: &Path) {
        self.dialog = None;
        self.create_database(path);
    }

    pub(super) fn create_sample_at(&mut self, path: &Path) {
        self.dialog = None;
        self.create_sample(path);
    }

    /// Opens another database file. On failure the current one stays open.
    pub(super) fn switch_database(&mut self, path: &Path) {
        match Store::open_window(path) {
            Ok(store) => self.use_store(path, store),
            Err(e) => self.refused(path, &e),
        }
    }

    /// Works on `store` (opened from `path`) from now on.
    fn use_store(&mut self, path: &Path, store: Store) {
        tracing::info!(path = %path.display(), access = ?store.access(), "opened database");
        let needs_check = store.needs_check();
        self.forget_jobs_of_the_file();
        self.store = Some(store);
        self.db_path = path.to_owned();
        self.audit = None;
        // Nothing of the previous file stays on screen or in the register's filters.
        self.register_query = RegisterQuery::default();
        self.page = Page::Loading(Screen::Register);
        self.show_screen(Screen::Register);
        if needs_check {
            self.start_integrity_check();
        }
        self.start_audit();
        self.start_daily_backup();
        self.import_waiting_package();
    }

    /// A package that waited for a file is imported into the one now open, if this window
    /// may write it; else it waits on, and that is said.
    fn import_waiting_package(&mut self) {
        let Some(package) = self.waiting_package.take() else {
            return;
        };
        if self
            .store
            .as_ref()
            .is_some_and(|s| *s.access() == crate::store::Access::Write)
        {
            self.send(Command::ImportPackage(package));
        } else {
            self.info(crate::ui::no_database::waiting_words(&package));
            self.waiting_package = Some(package);
        }
    }

    /// The day's backup of a file this window writes, on the first open of the day, on a
    /// thread of its own (a consistent snapshot while the user goes on working).
    fn start_daily_backup(&mut self) {
        use crate::store::backup;
        let writable = self
            .store
            .as_ref()
            .is_some_and(|s| *s.access() == crate::store::Access::Write);
        let policy = backup::policy();
        if !writable || !backup::daily_backup_due(&self.db_path, &policy) {
            return;
        }
        let path = self.db_path.clone();
        self.spawn_job(
            super::jobs::JobKind::Backup,
            "daily-backup",
            "正在自动备份…",
            0,
            false,
            move |_| backup::daily_backup(&path, &policy).map_err(|e| e.to_string()),
            |app, result| match result {
                // Said only when nothing else is: a warning is never covered by it.
                Ok(Ok(path)) if app.message.is_none() => {
                    app.info(format!("今日已自动备份：{}", path.display()));
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => app.error(e),
                Err(_) => app.error("自动备份中断：请在 文件 › 从备份恢复 中查看已有备份。"),
            },
        );
    }

    /// Says why `path` was not opened: on the no-database screen if nothing is open (offering
    /// to create a file that does not exist yet), else in the status bar.
    fn refused(&mut self, path: &Path, e: &StoreError) {
        let missing = matches!(
            e,
            StoreError::Missing { .. } | StoreError::MissingFolder { .. }
        );
        if self.store.is_some() {
            self.error(e.to_string());
            return;
        }
        self.db_path = path.to_owned();
        self.page = Page::NoDatabase(if missing {
            NoDatabase::Missing
        } else {
            // Said once, on the screen that offers what to do about it.
            tracing::error!("{e}");
            NoDatabase::Refused(e.to_string())
        });
    }

    /// Creates a new database at `path` (and its folder: the user asked for this file), and
    /// opens it.
    fn create_database(&mut self, path: &Path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.error(format!(
                "无法新建文件夹“{}”：{e}。请选择其他位置。",
                dir.display()
            ));
            return;
        }
        match Store::open(path) {
            Ok(mut store) => {
                // The file is this computer's: named after its user, and the county office's
                // when the user said so at first start.
                if let Some((name, role)) = self.settings.identity()
                    && let Err(e) = store.set_identity(&name, role)
                {
                    tracing::warn!(error = %e, "the new file keeps its default identity");
                }
                self.use_store(path, store);
                self.info(format!("已新建数据库：{}", path.display()));
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn create_sample(&mut self, path: &Path) {
        if path.exists() {
            self.error(format!(
                "“{}”已存在。示例数据只写入新文件，以免混入正式数据；请换一个文件名。",
                path.display()
            ));
            return;
        }
        let result = Store::open(path)
            .map_err(anyhow::Error::from)
            .and_then(|mut store| {
                crate::store::sample::write_sample(&mut store, false)?;
                Ok(store)
            });
        match result {
            Ok(store) => {
                self.use_store(path, store);
                self.info("已新建示例数据库。其中的记录均标有“示例”，仅供练习。");
            }
            Err(e) => self.error(format!("{e:#}")),
        }
    }

    /// Goes to `screen`: loads it afresh.
    pub(super) fn show_screen(&mut self, screen: Screen) {
        if self.store.is_none() {
            self.say_store_away();
            return;
        }
        self.load_page(screen, true);
    }

    /// Re-reads what the page on show needs from the store, keeping what is being typed.
    pub(super) fn reload(&mut self) {
        self.load_page(self.page.screen(), false);
    }

    /// Loads `screen`: here if it reads little, else on a background thread with the page
    /// saying it is loading (if it is new) until then.
    fn load_page(&mut self, screen: Screen, fresh: bool) {
        let Some(store) = &self.store else {
            return;
        };
        let loaded = (|| -> Result<Option<Page>, StoreError> {
            self.towns = store.towns()?;
            self.clusters = store.clusters()?;
            self.pack = store.policy_pack().ok();
            self.station = crate::ui::status_bar::Station {
                device: store
                    .identity()?
                    .map(|i| format!("{}（{}）", i.name, i.role.label()))
                    .unwrap_or_default(),
                pending: store.pending_reviews()?,
            };
            if Page::loads_slowly(screen, store)? {
                return Ok(None);
            }
            Page::load(screen, store, today(), &self.settings).map(Some)
        })();
        match loaded {
            Ok(None) => {
                if fresh {
                    // The register's first rows show at once; the rest follow.
                    self.page = match (screen, &self.store) {
                        (Screen::Register, Some(store)) => {
                            crate::ui::compound_list::RegisterView::first_rows(store, 100)
                                .map_or(Page::Loading(screen), Page::Register)
                        }
                        _ => Page::Loading(screen),
                    };
                }
                self.start_page_load(screen);
            }
            Ok(Some(page)) if fresh => {
                self.page = page;
                self.prefill_forms();
            }
            Ok(Some(page)) => self.page.refresh(page),
            Err(e) => {
                if matches!(e, StoreError::NotFound { .. }) && screen != Screen::Register {
                    self.load_page(Screen::Register, true);
                }
                self.error(e.to_string());
            }
        }
    }

    /// What a freshly shown page's forms start with from the settings: the daily report's
    /// unit is the user's.
    pub(super) fn prefill_forms(&mut self) {
        if let Page::Rhythm(view) = &mut self.page
            && view.report.unit.is_empty()
        {
            view.report.unit = self.settings.unit.trim().to_owned();
        }
    }
}
