//! `yanshou`: the GUI by default; headless subcommands for export, listing, sample data, benchmarks.

use std::io::IsTerminal as _;

use clap::Parser as _;
use yanshou::cli::{Cli, default_db_path};

fn main() -> std::process::ExitCode {
    yanshou::memory::configure();
    let cli = Cli::parse();
    // Warnings only, unless `RUST_LOG` or `-v` (info) / `-vv` (debug) ask for more; colour
    // only on a terminal.
    let level = match cli.verbose {
        0 => "warn",
        1 => "warn,yanshou=info",
        _ => "info,yanshou=debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let (window_db, package) = cli.window_files();
    let db = cli.db.clone().unwrap_or_else(default_db_path);
    let settings_path = yanshou::config::default_path();
    let settings = yanshou::config::load(&settings_path);
    yanshou::config::apply(&settings.settings);
    let result = match cli.command {
        Some(command) => {
            if let Some(warning) = &settings.warning {
                eprintln!("{warning}");
            }
            yanshou::cli::run(&db, command)
        }
        None => yanshou::app::run(
            window_db,
            (package, cli.show.clone()),
            settings_path,
            settings,
        ),
    };
    yanshou::cli::report_peak_memory_if_asked();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
