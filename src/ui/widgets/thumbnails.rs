//! Photo thumbnails: decoded once into textures and kept while the screen is open.

use std::collections::HashMap;

use eframe::egui;

use crate::model::PhotoId;
use crate::store::PhotoMeta;

/// Textures of the thumbnails shown so far.
#[derive(Default)]
pub struct ThumbnailCache {
    textures: HashMap<PhotoId, Option<egui::TextureHandle>>,
}

impl std::fmt::Debug for ThumbnailCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThumbnailCache")
            .field("textures", &self.textures.len())
            .finish()
    }
}

impl ThumbnailCache {
    /// The texture of a photo's thumbnail (`None` if its bytes cannot be decoded).
    fn texture(&mut self, ctx: &egui::Context, photo: &PhotoMeta) -> Option<egui::TextureHandle> {
        self.textures
            .entry(photo.id)
            .or_insert_with(|| {
                let (w, h, rgb) = crate::model::photo::decode_rgb(&photo.thumbnail)?;
                let image = egui::ColorImage::from_rgb([w as usize, h as usize], &rgb);
                Some(ctx.load_texture(format!("thumb-{}", photo.id), image, Default::default()))
            })
            .clone()
    }

    /// Draws a clickable thumbnail, 72 px high; the response is named for screen readers.
    pub fn show(&mut self, ui: &mut egui::Ui, photo: &PhotoMeta, name: &str) -> egui::Response {
        match self.texture(ui.ctx(), photo) {
            Some(texture) => ui
                .add(
                    egui::Image::new(&texture)
                        .max_height(72.0)
                        .sense(egui::Sense::click()),
                )
                .accessible_name(name.to_owned())
                .on_hover_text(format!(
                    "{} · {}",
                    photo.file_name,
                    photo.taken_at.as_deref().unwrap_or("拍摄时间不详")
                )),
            None => ui.label("（照片损坏）"),
        }
    }
}
