//! Photo thumbnails: decoded when the screen is loaded (on the loading thread, for a screen with
//! many), uploaded as textures when first drawn, and kept while the screen is open.

use std::collections::HashMap;

use eframe::egui;

use crate::model::PhotoId;
use crate::store::PhotoMeta;

/// Thumbnails decoded and not yet drawn, and the textures of those drawn.
#[derive(Default)]
pub struct ThumbnailCache {
    decoded: HashMap<PhotoId, Option<egui::ColorImage>>,
    textures: HashMap<PhotoId, Option<egui::TextureHandle>>,
}

impl std::fmt::Debug for ThumbnailCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThumbnailCache")
            .field("decoded", &self.decoded.len())
            .field("textures", &self.textures.len())
            .finish()
    }
}

fn decode(photo: &PhotoMeta) -> Option<egui::ColorImage> {
    let (w, h, rgb) = crate::model::photo::decode_rgb(&photo.thumbnail)?;
    Some(egui::ColorImage::from_rgb([w as usize, h as usize], &rgb))
}

impl ThumbnailCache {
    /// The thumbnails of `photos`, decoded now (by whoever loads the screen).
    pub fn decoded<'a>(photos: impl Iterator<Item = &'a PhotoMeta>) -> Self {
        Self {
            decoded: photos.map(|p| (p.id, decode(p))).collect(),
            textures: HashMap::new(),
        }
    }

    /// Keeps the textures already made and takes the newly decoded thumbnails.
    pub fn merge(&mut self, fresh: Self) {
        for (id, image) in fresh.decoded {
            if !self.textures.contains_key(&id) {
                self.decoded.insert(id, image);
            }
        }
    }

    /// The texture of a photo's thumbnail (`None` if its bytes cannot be decoded).
    fn texture(&mut self, ctx: &egui::Context, photo: &PhotoMeta) -> Option<egui::TextureHandle> {
        if let Some(texture) = self.textures.get(&photo.id) {
            return texture.clone();
        }
        let image = self
            .decoded
            .remove(&photo.id)
            .unwrap_or_else(|| decode(photo));
        let texture = image.map(|image| {
            ctx.load_texture(format!("thumb-{}", photo.id), image, Default::default())
        });
        self.textures.insert(photo.id, texture.clone());
        texture
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
                    photo
                        .taken_at
                        .as_deref()
                        .map_or("拍摄时间不详".to_owned(), crate::model::camera_time_text)
                )),
            None => ui.label("（照片损坏）"),
        }
    }
}
