//! What every benchmark shares: figures in milliseconds, medians and p99s, a register's
//! compounds, a scratch folder.

use std::time::Duration;

use crate::model::{Compound, CompoundId};

/// The median and the 99th percentile.
pub(super) fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

pub(super) fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// The `i`th compound of a benchmark's register.
pub(super) fn bench_compound(i: usize) -> Compound {
    Compound {
        id: CompoundId::new(),
        name: format!("第{i:06}号小区"),
        address: format!("永宁大道 {} 号", i % 997),
        town_id: None,
        owner_unit: "县直单位".to_owned(),
        year_built: Some(1980 + (i % 30) as i32),
        buildings: Some((i % 12) as u32 + 1),
        households: Some((i % 300) as u32 + 10),
        cluster_id: None,
        is_sample: false,
    }
}

pub(super) fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("yanshou-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// One frame of the app at 1280 × 820, laid out and tessellated (no GPU); how long it took.
pub(super) fn app_frame(ctx: &eframe::egui::Context, app: &mut crate::app::App) -> Duration {
    use eframe::egui;
    let start = std::time::Instant::now();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 820.0),
        )),
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| app.show(ui));
    let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
    start.elapsed()
}
