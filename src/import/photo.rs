//! Photo import: a photo taken on site becomes evidence stored inside the database. It is
//! checked (size, pixel count, real image), turned upright by its EXIF orientation, shrunk to
//! at most 2000 px on the long side, re-encoded as JPEG with a thumbnail, and hashed (SHA-256)
//! so the seal of a signed record covers it.
//!
//! A JPEG is decoded at a reduced scale in the DCT domain (jpeg-decoder's 1/2, 1/4, 1/8 IDCT:
//! a 4000 × 3000 photo decodes straight to 2000 × 1500), what is left to shrink is resized with
//! SIMD (fast_image_resize), encoded with SIMD (jpeg-encoder), and a batch is spread over the
//! cores.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

use crate::job::Progress;
use crate::model::PreparedPhoto;

/// Larger files are refused (a phone photo is 3–12 MB).
pub const MAX_FILE_BYTES: u64 = 40 * 1024 * 1024;
/// More pixels than this is refused before decoding (a 108 MP phone sensor is about this).
pub const MAX_PIXELS: u64 = 110_000_000;
/// The long side of a stored photo.
pub const LONG_SIDE: u32 = 2000;
/// The long side of a thumbnail.
pub const THUMB_SIDE: u32 = 240;

/// Why a photo could not be taken in. Nothing is stored for it.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("“{name}”太大（{mb} MB，上限 40 MB）。请用相机或手机导出较小的照片。")]
    TooLarge { name: String, mb: u64 },
    #[error("“{name}”像素过多（{width}×{height}）。请导出不超过 1 亿像素的照片。")]
    TooManyPixels {
        name: String,
        width: u32,
        height: u32,
    },
    #[error("“{name}”不是可识别的照片（支持 JPEG、PNG）。")]
    NotAnImage { name: String },
    #[error("“{name}”已损坏，无法读取：{detail}")]
    Corrupt { name: String, detail: String },
    #[error("无法读取“{name}”：{source}")]
    Io {
        name: String,
        source: std::io::Error,
    },
}

/// Reads and prepares the photo at `path`.
pub fn import_file(path: &Path) -> Result<PreparedPhoto, PhotoError> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let io = |source| PhotoError::Io {
        name: name.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(PhotoError::TooLarge {
            name,
            mb: size.div_ceil(1024 * 1024),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    prepare(&bytes, &name)
}

/// Prepares a photo from its file bytes.
pub fn prepare(bytes: &[u8], name: &str) -> Result<PreparedPhoto, PhotoError> {
    let owned = || name.to_owned();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(PhotoError::TooLarge {
            name: owned(),
            mb: (bytes.len() as u64).div_ceil(1024 * 1024),
        });
    }
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>, PhotoError> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| PhotoError::NotAnImage { name: owned() })?;
        if reader.format().is_none() {
            return Err(PhotoError::NotAnImage { name: owned() });
        }
        Ok(reader)
    };
    if reader()?.format() == Some(image::ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        // The decoder would fill the missing part with grey; evidence must be whole.
        return Err(PhotoError::Corrupt {
            name: owned(),
            detail: "文件不完整（可能复制中断），请重新导出".to_owned(),
        });
    }
    // The header first: refuse huge pictures before allocating for them.
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|e| PhotoError::Corrupt {
            name: owned(),
            detail: e.to_string(),
        })?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels {
            name: owned(),
            width,
            height,
        });
    }
    let corrupt = |e: image::ImageError| PhotoError::Corrupt {
        name: owned(),
        detail: e.to_string(),
    };
    let scaled = match reader()?.format() {
        Some(image::ImageFormat::Jpeg) => decode_jpeg_scaled(bytes, LONG_SIDE),
        _ => None,
    };
    let (picture, taken_at) = match scaled {
        Some(Ok(decoded)) => decoded,
        Some(Err(detail)) => {
            return Err(PhotoError::Corrupt {
                name: owned(),
                detail,
            });
        }
        None => {
            let mut decoder = reader()?.into_decoder().map_err(corrupt)?;
            let orientation = decoder.orientation().map_err(corrupt)?;
            let taken_at = decoder.exif_metadata().ok().flatten().and_then(exif_time);
            let mut picture = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
            picture.apply_orientation(orientation);
            (picture.into_rgb8(), taken_at)
        }
    };

    let shrunk = |picture, side| {
        shrink(picture, side).map_err(|detail| PhotoError::Corrupt {
            name: owned(),
            detail,
        })
    };
    let picture = shrunk(picture, LONG_SIDE)?;
    let thumbnail = shrunk(picture.clone(), THUMB_SIDE)?;
    let encoded = |picture: &RgbImage, quality| {
        encode_jpeg(picture, quality).map_err(|detail| PhotoError::Corrupt {
            name: owned(),
            detail,
        })
    };
    let jpeg = encoded(&picture, 85)?;
    let thumbnail = encoded(&thumbnail, 80)?;
    let sha256 = crate::model::seal::sha256_hex(&jpeg);
    Ok(PreparedPhoto {
        file_name: owned(),
        taken_at,
        width: picture.width(),
        height: picture.height(),
        jpeg,
        thumbnail,
        sha256,
    })
}

/// A JPEG ends with its EOI marker (FF D9). Entropy-coded data never contains FF D9, so a
/// file cut short has none near its end (an EXIF thumbnail's EOI sits near the start). Some
/// cameras append a trailer after EOI, so the end of the file is searched, not its last bytes.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let window = (bytes.len() / 10).max(64 * 1024).min(bytes.len());
    bytes[bytes.len() - window..]
        .windows(2)
        .any(|w| w == [0xFF, 0xD9])
}

/// Prepares the photos at `paths` on every core, in order: each one's photo or why not.
/// Stops taking new files once `progress` is cancelled (those are said to be cancelled).
pub fn import_files(paths: &[PathBuf], progress: &Progress) -> Vec<Result<PreparedPhoto, String>> {
    crate::job::parallel_map(paths, "photo-import", |path| {
        let result = if progress.is_cancelled() {
            Err(format!("已取消：{}", path.display()))
        } else {
            import_file(path).map_err(|e| e.to_string())
        };
        progress.advance();
        result
    })
}

/// A JPEG decoded at the smallest DCT scale that keeps its long side at least `long_side`,
/// upright, with its EXIF time. `None` for what this decoder does not take (CMYK, 16-bit):
/// the general decoder reads those; `Some(Err)` for a damaged file.
fn decode_jpeg_scaled(
    bytes: &[u8],
    long_side: u32,
) -> Option<Result<(RgbImage, Option<String>), String>> {
    use jpeg_decoder::{Decoder, PixelFormat};
    let mut decoder = Decoder::new(bytes);
    if let Err(e) = decoder.read_info() {
        return Some(Err(e.to_string()));
    }
    let info = decoder.info()?;
    if !matches!(info.pixel_format, PixelFormat::RGB24 | PixelFormat::L8) {
        return None;
    }
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let long = w.max(h);
    let (mut width, mut height) = (w, h);
    if long > long_side {
        // The decoder picks the smallest scale at or above what is asked.
        let ask = |side: u32| {
            u16::try_from((u64::from(side) * u64::from(long_side)).div_ceil(u64::from(long)))
                .unwrap_or(u16::MAX)
        };
        match decoder.scale(ask(w), ask(h)) {
            Ok((sw, sh)) => (width, height) = (u32::from(sw), u32::from(sh)),
            Err(e) => return Some(Err(e.to_string())),
        }
    }
    let pixels = match decoder.decode() {
        Ok(pixels) => pixels,
        Err(e) => return Some(Err(e.to_string())),
    };
    let picture = match info.pixel_format {
        PixelFormat::RGB24 => RgbImage::from_raw(width, height, pixels)?,
        _ => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(width, height, pixels)?).into_rgb8()
        }
    };
    let exif = decoder.exif_data().map(<[u8]>::to_vec);
    let orientation = exif
        .as_deref()
        .and_then(exif_orientation)
        .and_then(image::metadata::Orientation::from_exif)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::ImageRgb8(picture);
    picture.apply_orientation(orientation);
    Some(Ok((picture.into_rgb8(), exif.and_then(exif_time))))
}

/// Scales down (SIMD) so the long side is at most `long_side`; never scales up.
fn shrink(picture: RgbImage, long_side: u32) -> Result<RgbImage, String> {
    use fast_image_resize::{
        FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images::Image,
    };
    let (w, h) = picture.dimensions();
    if w.max(h) <= long_side {
        return Ok(picture);
    }
    let scale = f64::from(long_side) / f64::from(w.max(h));
    let size = |side: u32| ((f64::from(side) * scale).round() as u32).clamp(1, long_side);
    let (dw, dh) = (size(w), size(h));
    let source =
        Image::from_vec_u8(w, h, picture.into_raw(), PixelType::U8x3).map_err(|e| e.to_string())?;
    let mut target = Image::new(dw, dh, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| e.to_string())?;
    RgbImage::from_raw(dw, dh, target.into_vec()).ok_or_else(|| "缩小照片失败".to_owned())
}

/// Encodes with SIMD (jpeg-encoder: AVX2 where the processor has it), 4:2:0 as cameras do.
fn encode_jpeg(picture: &RgbImage, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = picture.dimensions();
    let side = |n: u32| u16::try_from(n).map_err(|_| format!("照片边长 {n} 像素过大"));
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(
            picture.as_raw(),
            side(w)?,
            side(h)?,
            jpeg_encoder::ColorType::Rgb,
        )
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The EXIF orientation (1–8).
fn exif_orientation(raw: &[u8]) -> Option<u8> {
    let exif = exif::Reader::new().read_raw(raw.to_vec()).ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    u8::try_from(field.value.get_uint(0)?).ok()
}

/// EXIF DateTimeOriginal (or DateTime) as "YYYY-MM-DD HH:MM:SS".
fn exif_time(raw: Vec<u8>) -> Option<String> {
    let exif = exif::Reader::new().read_raw(raw).ok()?;
    let field = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))?;
    let exif::Value::Ascii(values) = &field.value else {
        return None;
    };
    let dt = exif::DateTime::from_ascii(values.first()?).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
    ))
}
