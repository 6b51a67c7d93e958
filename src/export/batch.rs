//! Rendering on every core: a batch's snapshots are read on the caller's thread (the store's
//! connection stays there), then rendered side by side, each sheet on its own canvas (the font
//! is parsed once for the process and shared).

use super::ExportError;

/// How many sheets are rendered at once: one per core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Renders every item on every core; the results keep the items' order.
pub fn render_all<T: Sync>(
    items: &[T],
    render: impl Fn(&T) -> Result<Vec<u8>, ExportError> + Sync,
) -> Vec<Result<Vec<u8>, ExportError>> {
    crate::job::parallel_map(items, "render", render)
}
