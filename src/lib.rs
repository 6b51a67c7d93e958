//! 验收 (Yanshou): the offline survey and acceptance tool for Luoning County's old residential
//! compound renovation (宁政办〔2021〕17号).

pub mod app;
pub mod assets;
pub mod cli;
pub mod command;
pub mod config;
pub mod export;
pub mod import;
pub mod job;
pub mod memory;
pub mod model;
pub mod store;
pub mod ui;
