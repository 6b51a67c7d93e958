//! Bytes compiled into the binary from `assets/`, so the app needs no installed files.

/// WenQuanYi Micro Hei (Apache-2.0, see `assets/fonts/LICENSE-wqy-microhei.txt`): the one font
/// both the UI and the PDF sheets use. A TrueType collection; face 0 is the proportional face.
pub const CJK_FONT: &[u8] = include_bytes!("../assets/fonts/wqy-microhei.ttc");

/// The face of `CJK_FONT` to use.
pub const CJK_FONT_INDEX: u32 = 0;
