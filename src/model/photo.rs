//! Photos as evidence: what is stored for one (a JPEG shrunk to at most 2000 px, a thumbnail,
//! and the SHA-256 the seal covers), and how a stored picture is read back.

/// A photo ready to store.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedPhoto {
    pub file_name: String,
    /// When it was taken, from EXIF DateTimeOriginal ("2024-05-08 10:12:33"), if present.
    pub taken_at: Option<String>,
    pub width: u32,
    pub height: u32,
    /// The stored picture (JPEG, upright, long side ≤ 2000 px).
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    /// SHA-256 of `jpeg`, lowercase hex.
    pub sha256: String,
}

/// Its bytes stay out of logs.
impl std::fmt::Debug for PreparedPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPhoto")
            .field("file_name", &self.file_name)
            .field("taken_at", &self.taken_at)
            .field("size", &(self.width, self.height))
            .field("jpeg_bytes", &self.jpeg.len())
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// A picture's bytes as a file stores them once and a package carries them: keyed by their
/// SHA-256, whatever photos (on any item, from any laptop) show them.
#[derive(Clone, PartialEq, Eq)]
pub struct PhotoBytes {
    /// SHA-256 of `jpeg`, lowercase hex.
    pub sha256: String,
    pub jpeg: Vec<u8>,
}

impl PhotoBytes {
    /// Whether the bytes are what their key says.
    pub fn is_intact(&self) -> bool {
        super::digest::sha256_hex(&self.jpeg) == self.sha256
    }
}

/// Its bytes stay out of logs.
impl std::fmt::Debug for PhotoBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoBytes")
            .field("sha256", &self.sha256)
            .field("jpeg_bytes", &self.jpeg.len())
            .finish()
    }
}

/// Decodes a stored JPEG (for display and the PDF): (width, height, RGB bytes).
pub fn decode_rgb(jpeg: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let picture = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).ok()?;
    let rgb = picture.to_rgb8();
    Some((rgb.width(), rgb.height(), rgb.into_raw()))
}
