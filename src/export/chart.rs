//! Bar charts drawn as vectors on a sheet (rectangles, lines and text: sharp at any zoom, and
//! the figures stay text a reader can copy).

use printpdf::PaintMode;

use super::canvas::{Canvas, Ink};
use super::layout::{CONTENT_WIDTH, MARGIN, ensure_space};

/// A chart of groups (years, towns), each with one bar per series.
#[derive(Clone, Debug)]
pub struct BarChart<'a> {
    pub title: &'a str,
    /// The series' names and inks, in the order their bars stand in each group.
    pub series: &'a [(&'a str, Ink)],
    /// Each group's label and its bars' values (one per series).
    pub groups: Vec<(String, Vec<u32>)>,
    /// The unit the values count (个, 户).
    pub unit: &'a str,
}

/// A round axis maximum at or above `max`, four gridline steps of 1, 2, 3 or 5 times a power of
/// ten (so every gridline's value is a whole number).
pub fn nice_ceiling(max: u32) -> u32 {
    let wanted = max.max(1).div_ceil(4);
    let mut power = 1u32;
    loop {
        for m in [1, 2, 3, 5] {
            if let Some(step) = power.checked_mul(m)
                && step >= wanted
            {
                return step.saturating_mul(4);
            }
        }
        match power.checked_mul(10) {
            Some(next) => power = next,
            None => return u32::MAX,
        }
    }
}

/// Draws `chart` from `top` (a new page when it does not fit); returns where it ends.
pub fn bar_chart(c: &mut Canvas, top: f32, chart: &BarChart<'_>) -> f32 {
    const HEIGHT: f32 = 62.0;
    const PLOT: f32 = 40.0;
    const AXIS: f32 = 14.0;
    let top = ensure_space(c, top, HEIGHT + 6.0);
    c.text(MARGIN, top + 4.0, 10.0, Ink::Black, chart.title);
    // The legend, right of the title.
    let mut x = MARGIN + CONTENT_WIDTH;
    for (name, ink) in chart.series.iter().rev() {
        let w = c.text_width(name, 8.0);
        x -= w + 7.0;
        c.rect(x, top + 1.3, 3.5, 3.0, PaintMode::FillStroke, *ink);
        c.text(x + 4.5, top + 4.0, 8.0, Ink::Black, name);
    }
    let plot_top = top + 10.0;
    let base = plot_top + PLOT;
    let left = MARGIN + AXIS;
    let width = CONTENT_WIDTH - AXIS;
    let max = chart
        .groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0);
    let ceiling = nice_ceiling(max);
    // Gridlines at quarters, with their values.
    for i in 0..=4 {
        let y = base - PLOT * i as f32 / 4.0;
        c.line(left, y, left + width, y, if i == 0 { 0.8 } else { 0.2 });
        let value = u64::from(ceiling) * i / 4;
        let label = value.to_string();
        c.text(
            left - 2.0 - c.text_width(&label, 7.0),
            y + 1.0,
            7.0,
            Ink::Grey,
            &label,
        );
    }
    c.text(MARGIN, plot_top - 1.5, 7.0, Ink::Grey, chart.unit);
    let n = chart.groups.len().max(1) as f32;
    let slot = width / n;
    let bars = chart.series.len().max(1) as f32;
    let bar_w = (slot * 0.8 / bars).min(9.0);
    for (gi, (label, values)) in chart.groups.iter().enumerate() {
        let group_left = left + slot * gi as f32 + (slot - bar_w * bars) / 2.0;
        for (si, value) in values.iter().enumerate() {
            let ink = chart.series.get(si).map_or(Ink::Grey, |s| s.1);
            let h = PLOT * *value as f32 / ceiling as f32;
            let x = group_left + bar_w * si as f32;
            if h > 0.0 {
                c.rect(x, base - h, bar_w, h, PaintMode::Fill, ink);
            }
            if *value > 0 && bar_w >= 4.0 {
                let text = value.to_string();
                c.text(
                    x + (bar_w - c.text_width(&text, 6.0)) / 2.0,
                    base - h - 0.8,
                    6.0,
                    Ink::Black,
                    &text,
                );
            }
        }
        let center = left + slot * (gi as f32 + 0.5);
        let lines = c.wrap(label, 7.5, slot - 1.0);
        for (li, line) in lines.iter().take(2).enumerate() {
            c.text_centered(center, base + 4.0 + li as f32 * 3.2, 7.5, Ink::Black, line);
        }
    }
    top + HEIGHT
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_ceiling(0), 4);
        assert_eq!(nice_ceiling(3), 4);
        assert_eq!(nice_ceiling(21), 40);
        assert_eq!(nice_ceiling(83), 120);
        assert_eq!(nice_ceiling(4347), 8000);
        assert_eq!(nice_ceiling(12), 12);
    }
}
