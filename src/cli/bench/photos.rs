//! Photos and sheets: one 4000 × 3000 JPEG prepared (DCT-scaled decode, SIMD resize, encode),
//! a batch of 20 files on every core against one core, a sheet with 20 photos, one sheet once
//! the font is parsed, and a batch of 100 sheets on every core against one.

use std::time::{Duration, Instant};

use crate::export::batch::{render_all, workers};
use crate::export::{AcceptanceSheet, render_acceptance_sheet};
use crate::job::Progress;
use crate::model::{Catalogue, Clock, catalogue::COMPOUND_STANDARD};
use crate::store::Store;

use super::figures::{ms, stats, tempfile_dir};

/// A 4000 × 3000 JPEG with the detail of a photo (texture everywhere, not flat colour).
pub(super) fn camera_jpeg() -> anyhow::Result<Vec<u8>> {
    let picture = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let n = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503);
        image::Rgb([
            ((x / 7 + (n & 31)) % 256) as u8,
            ((y / 5 + ((n >> 5) & 31)) % 256) as u8,
            (((x + y) / 9 + ((n >> 10) & 31)) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture).write_with_encoder(
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92),
    )?;
    Ok(out.into_inner())
}

pub(super) fn run() -> anyhow::Result<()> {
    let original = camera_jpeg()?;
    let cores = workers();
    let mut singles = Vec::new();
    for i in 0..5 {
        let start = Instant::now();
        crate::import::photo::prepare(&original, &format!("{i}.jpg"))?;
        singles.push(start.elapsed());
    }
    let (single, _) = stats(singles);
    // The way before: a full decode, a Triangle resize and the image crate's encoder.
    let mut before = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let full = image::load_from_memory(&original)?;
        let shrunk = full.resize(2000, 2000, image::imageops::FilterType::Triangle);
        let thumb = shrunk.resize(240, 240, image::imageops::FilterType::Triangle);
        for (picture, quality) in [(&shrunk, 85), (&thumb, 80)] {
            let mut out = Vec::new();
            picture.to_rgb8().write_with_encoder(
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality),
            )?;
        }
        before.push(start.elapsed());
    }
    let (before, _) = stats(before);
    outln!(
        "导入一张 4000×3000 照片（{} KB，DCT 缩放解码、SIMD 缩放与编码、缩略图）：中位数 {}；原方法（完整解码、Triangle 缩放、image 编码）{}，快 {:.1} 倍",
        original.len() / 1024,
        ms(single),
        ms(before),
        before.as_secs_f64() / single.as_secs_f64()
    );

    let dir = tempfile_dir()?;
    let paths: Vec<std::path::PathBuf> = (0..20).map(|i| dir.join(format!("{i}.jpg"))).collect();
    for path in &paths {
        std::fs::write(path, &original)?;
    }
    let start = Instant::now();
    let results = crate::import::photo::import_files(&paths, &Progress::unobserved());
    let batch = start.elapsed();
    let prepared: Vec<_> = results
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(anyhow::Error::msg)?;
    let start = Instant::now();
    for path in &paths {
        crate::import::photo::import_file(path)?;
    }
    let one_core = start.elapsed();
    outln!(
        "导入 20 张（读文件）：{cores} 核并行 {}，单核 {}（{:.2} 倍）",
        ms(batch),
        ms(one_core),
        one_core.as_secs_f64() / batch.as_secs_f64()
    );

    let mut store = Store::open_in_memory()?;
    crate::store::sample::write_sample(&mut store, false)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let fresh = super::fresh_compound(&mut store)?;
    let id = super::start_bench_inspection(&mut store, fresh, today)?;
    let items = Catalogue::current().items_of(COMPOUND_STANDARD);
    for (n, photo) in prepared.iter().enumerate() {
        let code = &items[n % items.len()].code;
        store.add_photos(id, code, std::slice::from_ref(photo))?;
    }
    let sheet = AcceptanceSheet::load(&store, id, Clock::local())?;
    let start = Instant::now();
    let bytes = render_acceptance_sheet(&sheet)?;
    outln!(
        "导出含 20 张照片的验收单：{}，文件 {} KB",
        ms(start.elapsed()),
        bytes.len().div_ceil(1024)
    );

    let plain = AcceptanceSheet::load(
        &store,
        store.all_inspections()?[0].summary.id,
        Clock::local(),
    )?;
    let mut renders: Vec<Duration> = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        render_acceptance_sheet(&plain)?;
        renders.push(start.elapsed());
    }
    let (after_first, p99) = stats(renders);
    outln!(
        "一份验收单（字体已解析后）：中位数 {}，p99 {}",
        ms(after_first),
        ms(p99)
    );

    let sheets = vec![plain; 100];
    let start = Instant::now();
    let rendered = render_all(&sheets, render_acceptance_sheet);
    for (i, bytes) in rendered.into_iter().enumerate() {
        crate::export::write_file_atomically(&dir.join(format!("{i}.pdf")), &bytes?)?;
    }
    let parallel = start.elapsed();
    let start = Instant::now();
    for (i, sheet) in sheets.iter().enumerate() {
        let bytes = render_acceptance_sheet(sheet)?;
        crate::export::write_file_atomically(&dir.join(format!("s{i}.pdf")), &bytes)?;
    }
    let sequential = start.elapsed();
    outln!(
        "批量导出 100 份验收单（渲染并写盘）：{cores} 核并行 {}（每份 {}），单核 {}（{:.2} 倍）",
        ms(parallel),
        ms(parallel / 100),
        ms(sequential),
        sequential.as_secs_f64() / parallel.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
