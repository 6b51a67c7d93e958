//! A paper sheet brought back as an image (a scanner's, or a phone's photo: crooked, unevenly
//! lit, compressed): the QR codes printed on it, as the sheet wrote them.

use std::path::Path;

use crate::model::signoff::SheetQr;

/// Why no sheet's QR could be read from an image.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("无法读取“{name}”：{why}")]
    Read { name: String, why: String },
    #[error("“{name}”是 PDF：请用扫描仪另存为图片（JPEG 或 PNG），或用手机拍照后再核验。")]
    Pdf { name: String },
    #[error("“{name}”不是可识别的图片（支持 JPEG、PNG）：{why}")]
    NotAnImage { name: String, why: String },
    #[error(
        "在“{name}”上没有找到验收单的二维码：请让二维码完整、清晰地在画面中（可靠近拍摄，避免反光），再试一次；也可以手动输入纸上印的校验码。"
    )]
    NoCode { name: String },
}

/// The sheets' QR codes on the image at `path`, each once, in the order found.
pub fn sheet_codes(path: &Path) -> Result<Vec<SheetQr>, ScanError> {
    let name = super::file_name_of(path);
    let bytes = std::fs::read(path).map_err(|e| ScanError::Read {
        name: name.clone(),
        why: e.to_string(),
    })?;
    if bytes.starts_with(b"%PDF") {
        return Err(ScanError::Pdf { name });
    }
    let image = image::load_from_memory(&bytes).map_err(|e| ScanError::NotAnImage {
        name: name.clone(),
        why: e.to_string(),
    })?;
    let grey = image.to_luma8();
    drop(image);
    let found = codes_in(&grey);
    if found.is_empty() {
        return Err(ScanError::NoCode { name });
    }
    Ok(found)
}

/// The sheets' QR codes in a grey image: looked for at the image's size and at smaller ones
/// (a phone's 12 MP photo shows the code far larger than the finder needs, and blur weighs
/// less when scaled down), with the contrast stretched for a dim photo.
pub fn codes_in(grey: &image::GrayImage) -> Vec<SheetQr> {
    let mut found: Vec<SheetQr> = Vec::new();
    let longest = grey.width().max(grey.height());
    let mut sizes: Vec<u32> = [longest, 2400, 1600, 1100]
        .into_iter()
        .filter(|s| *s <= longest)
        .collect();
    sizes.dedup();
    for size in sizes {
        let scaled = if size == longest {
            grey.clone()
        } else {
            let ratio = f64::from(size) / f64::from(longest);
            image::imageops::resize(
                grey,
                ((f64::from(grey.width()) * ratio).round() as u32).max(1),
                ((f64::from(grey.height()) * ratio).round() as u32).max(1),
                image::imageops::FilterType::Triangle,
            )
        };
        let contrast = stretched(&scaled);
        let sharp = binarized(&contrast);
        for candidate in [scaled, contrast, sharp] {
            for qr in decode(&candidate) {
                if !found.contains(&qr) {
                    found.push(qr);
                }
            }
            if !found.is_empty() {
                return found;
            }
        }
    }
    found
}

fn decode(grey: &image::GrayImage) -> Vec<SheetQr> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        grey.get_pixel(x as u32, y as u32).0[0]
    });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok())
        .filter_map(|(_, text)| SheetQr::parse(&text))
        .collect()
}

/// The image in black and white at the threshold that best parts its dark from its light
/// (Otsu's): a blurred code's edges made sharp again.
fn binarized(grey: &image::GrayImage) -> image::GrayImage {
    let mut histogram = [0u64; 256];
    for p in grey.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .map(|(v, n)| v as f64 * *n as f64)
        .sum();
    let (mut best, mut threshold) = (0.0f64, 128u8);
    let (mut weight_dark, mut sum_dark) = (0u64, 0.0f64);
    for (v, n) in histogram.iter().enumerate() {
        weight_dark += n;
        if weight_dark == 0 {
            continue;
        }
        let weight_light = total - weight_dark;
        if weight_light == 0 {
            break;
        }
        sum_dark += v as f64 * *n as f64;
        let mean_dark = sum_dark / weight_dark as f64;
        let mean_light = (sum - sum_dark) / weight_light as f64;
        let between = weight_dark as f64 * weight_light as f64 * (mean_dark - mean_light).powi(2);
        if between > best {
            best = between;
            threshold = u8::try_from(v).unwrap_or(128);
        }
    }
    image::GrayImage::from_fn(grey.width(), grey.height(), |x, y| {
        image::Luma([if grey.get_pixel(x, y).0[0] > threshold {
            255
        } else {
            0
        }])
    })
}

/// The image with its darkest and lightest hundredth stretched to black and white.
fn stretched(grey: &image::GrayImage) -> image::GrayImage {
    let mut histogram = [0u64; 256];
    for p in grey.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let cut = total / 100;
    let (mut low, mut high) = (0usize, 255usize);
    let mut seen = 0;
    for (v, n) in histogram.iter().enumerate() {
        seen += n;
        if seen > cut {
            low = v;
            break;
        }
    }
    seen = 0;
    for (v, n) in histogram.iter().enumerate().rev() {
        seen += n;
        if seen > cut {
            high = v;
            break;
        }
    }
    if high <= low + 8 {
        return grey.clone();
    }
    let span = (high - low) as f32;
    image::GrayImage::from_fn(grey.width(), grey.height(), |x, y| {
        let v = f32::from(grey.get_pixel(x, y).0[0]);
        image::Luma([((v - low as f32) / span * 255.0).clamp(0.0, 255.0) as u8])
    })
}
