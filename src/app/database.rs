//! The database file the app works on: opening another, creating the sample set, and reading
//! what the page on show needs.

use std::path::Path;

use super::App;
use super::command_handling::today;
use crate::command::Screen;
use crate::store::{Store, StoreError};
use crate::ui::Page;

impl App {
    /// Opens another database file. On failure the current one stays open.
    pub(super) fn switch_database(&mut self, path: &Path) {
        match Store::open(path) {
            Ok(store) => {
                tracing::info!(path = %path.display(), "opened database");
                self.store = Some(store);
                self.db_path = path.to_owned();
                self.register_query.search.clear();
                self.show_screen(Screen::Register);
            }
            Err(e) => {
                let text = e.to_string();
                if self.store.is_none() {
                    // Said once, on the screen that offers what to do about it.
                    tracing::error!("{text}");
                    self.db_path = path.to_owned();
                    self.page = Page::NoDatabase { error: Some(text) };
                } else {
                    self.error(text);
                }
            }
        }
    }

    pub(super) fn create_sample(&mut self, path: &Path) {
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
                drop(store);
                self.switch_database(path);
                self.info("已新建示例数据库。其中的记录均标有“示例”，仅供练习。");
            }
            Err(e) => self.error(format!("{e:#}")),
        }
    }

    /// Goes to `screen`: loads it afresh.
    pub(super) fn show_screen(&mut self, screen: Screen) {
        if self.store.is_none() {
            return;
        }
        self.load_page(screen, true);
    }

    /// Re-reads what the page on show needs from the store, keeping what is being typed.
    pub(super) fn reload(&mut self) {
        self.load_page(self.page.screen(), false);
    }

    fn load_page(&mut self, screen: Screen, fresh: bool) {
        let Some(store) = &self.store else {
            return;
        };
        let loaded = (|| -> Result<Page, StoreError> {
            self.towns = store.towns()?;
            self.clusters = store.clusters()?;
            Page::load(screen, store, today())
        })();
        match loaded {
            Ok(page) if fresh => self.page = page,
            Ok(page) => self.page.refresh(page),
            Err(e) => {
                if matches!(e, StoreError::NotFound { .. }) && screen != Screen::Register {
                    self.load_page(Screen::Register, true);
                }
                self.error(e.to_string());
            }
        }
    }
}
