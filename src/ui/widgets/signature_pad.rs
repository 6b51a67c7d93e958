//! A pad to sign on with a mouse, touchpad or pen. Strokes are kept as vectors in 0..=1 pad
//! coordinates, so the PDF can draw them at any size.

use eframe::egui;

use crate::model::Stroke;

/// What has been drawn so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PadState {
    pub strokes: Vec<Stroke>,
    /// The stroke being drawn while the button is held.
    current: Stroke,
}

impl PadState {
    /// A pad showing strokes signed earlier.
    pub fn showing(strokes: Vec<Stroke>) -> Self {
        Self {
            strokes,
            current: Stroke::new(),
        }
    }

    pub fn clear(&mut self) {
        self.strokes.clear();
        self.current.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.strokes.iter().all(|s| s.len() < 2)
    }
}

/// Draws the pad and records drags into `state`.
pub fn signature_pad(
    ui: &mut egui::Ui,
    state: &mut PadState,
    size: egui::Vec2,
    name: &str,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::drag());
    let response = response.accessible_name(name.to_owned());
    let to_pad = |p: egui::Pos2| {
        let v = (p - rect.min) / rect.size();
        [v.x.clamp(0.0, 1.0), v.y.clamp(0.0, 1.0)]
    };
    if let Some(pos) = response.interact_pointer_pos()
        && response.dragged()
    {
        let point = to_pad(pos);
        if state.current.last() != Some(&point) {
            state.current.push(point);
        }
    }
    if response.drag_stopped() && !state.current.is_empty() {
        let stroke = std::mem::take(&mut state.current);
        state.strokes.push(stroke);
    }

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, egui::Color32::WHITE);
    painter.rect_stroke(
        rect,
        4.0,
        egui::Stroke::new(1.0, egui::Color32::GRAY),
        egui::StrokeKind::Inside,
    );
    let baseline = rect.bottom() - rect.height() * 0.22;
    painter.line_segment(
        [
            egui::pos2(rect.left() + 8.0, baseline),
            egui::pos2(rect.right() - 8.0, baseline),
        ],
        egui::Stroke::new(0.5, egui::Color32::LIGHT_GRAY),
    );
    let to_screen = |[x, y]: [f32; 2]| rect.min + egui::vec2(x, y) * rect.size();
    let ink = egui::Stroke::new(2.0, egui::Color32::from_rgb(20, 20, 90));
    for stroke in state.strokes.iter().chain(std::iter::once(&state.current)) {
        let points: Vec<egui::Pos2> = stroke.iter().copied().map(to_screen).collect();
        if points.len() >= 2 {
            painter.add(egui::Shape::line(points, ink));
        }
    }
    if state.strokes.is_empty() && state.current.is_empty() {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "在此签名",
            egui::FontId::proportional(14.0),
            egui::Color32::GRAY,
        );
    }
    response
}
