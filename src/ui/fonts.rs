//! Installs the bundled Chinese font, so the UI needs no system fonts.

use std::sync::Arc;

use eframe::egui::{self, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

use crate::assets::{CJK_FONT, CJK_FONT_INDEX};

const CJK: &str = "wqy-microhei";

/// Adds the bundled CJK font to every family and sets sizes readable on a field laptop.
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    let mut data = FontData::from_static(CJK_FONT);
    data.index = CJK_FONT_INDEX;
    fonts.font_data.insert(CJK.to_owned(), Arc::new(data));
    // Chinese first for proportional text (one consistent face); after Hack for monospace.
    fonts
        .families
        .entry(FontFamily::Proportional)
        .or_default()
        .insert(0, CJK.to_owned());
    fonts
        .families
        .entry(FontFamily::Monospace)
        .or_default()
        .push(CJK.to_owned());
    ctx.set_fonts(fonts);

    ctx.global_style_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(22.0)),
            (TextStyle::Body, FontId::proportional(15.0)),
            (TextStyle::Button, FontId::proportional(15.0)),
            (TextStyle::Small, FontId::proportional(12.0)),
            (TextStyle::Monospace, FontId::monospace(14.0)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
    // Ctrl+Q would close the window in the middle of a form; closing goes through the menu.
    ctx.options_mut(|o| o.quit_shortcuts.clear());
}
