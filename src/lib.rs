//! 验收 (Yanshou): the offline survey and acceptance tool for Luoning County's old residential
//! compound renovation (宁政办〔2021〕17号).

pub mod app;
pub mod assets;
pub mod bench;
pub mod cli;
pub mod command;
pub mod export;
pub mod model;
pub mod photo;
pub mod sample;
pub mod store;
pub mod ui;
