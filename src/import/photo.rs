//! Photo import: a photo taken on site becomes evidence stored inside the database. It is
//! checked (size, pixel count, real image), turned upright by its EXIF orientation, shrunk to
//! at most 2000 px on the long side, re-encoded as JPEG with a thumbnail, and hashed (SHA-256)
//! so the seal of a signed record covers it.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, imageops::FilterType};

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
    let mut decoder = reader()?.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let taken_at = decoder.exif_metadata().ok().flatten().and_then(exif_time);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    picture.apply_orientation(orientation);

    let picture = shrink(picture, LONG_SIDE);
    let thumbnail = shrink(picture.clone(), THUMB_SIDE);
    let jpeg = encode_jpeg(&picture, 85).map_err(corrupt)?;
    let thumbnail = encode_jpeg(&thumbnail, 80).map_err(corrupt)?;
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

/// Scales down so the long side is at most `long_side`; never scales up.
fn shrink(picture: DynamicImage, long_side: u32) -> DynamicImage {
    if picture.width().max(picture.height()) <= long_side {
        return picture;
    }
    picture.resize(long_side, long_side, FilterType::Triangle)
}

fn encode_jpeg(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    picture.to_rgb8().write_with_encoder(encoder)?;
    Ok(out)
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
