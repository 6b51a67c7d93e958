//! Rendering on every core: a batch's snapshots are read on the caller's thread (the store's
//! connection stays there), then rendered side by side, each sheet on its own canvas (the font
//! is parsed once for the process and shared).

use std::sync::atomic::{AtomicUsize, Ordering};

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
    let workers = workers().min(items.len()).max(1);
    if workers == 1 {
        return items.iter().map(&render).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<Vec<u8>, ExportError>>> = Vec::new();
    slots.resize_with(items.len(), || None);
    let slots = std::sync::Mutex::new(slots);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let bytes = render(item);
            if let Ok(mut slots) = slots.lock() {
                slots[i] = Some(bytes);
            }
        }
    };
    std::thread::scope(|scope| {
        let spawned = (0..workers)
            .filter(|n| {
                std::thread::Builder::new()
                    .name(format!("render-{n}"))
                    .spawn_scoped(scope, work)
                    .is_ok()
            })
            .count();
        if spawned == 0 {
            work();
        }
    });
    slots
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.unwrap_or(Err(ExportError::Font)))
        .collect()
}
