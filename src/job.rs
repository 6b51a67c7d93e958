//! Background jobs: slow work (exports, photo and package imports, loading large screens) runs
//! on a named thread, reports progress, can be asked to stop, and hands back one result. The
//! UI thread only polls; it never waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// Called from the worker whenever there is something new to show (the app asks egui to
/// repaint). Not called at all in tests and the CLI.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What a worker reports while it runs, and how it learns that it should stop.
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
    waker: Option<Waker>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("done", &self.done)
            .field("total", &self.total)
            .field("cancelled", &self.cancelled)
            .finish_non_exhaustive()
    }
}

impl Progress {
    /// Progress that nobody watches (the CLI, tests).
    pub fn unobserved() -> Self {
        Self::new(0, None)
    }

    fn new(total: usize, waker: Option<Waker>) -> Self {
        Self {
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(total),
            cancelled: AtomicBool::new(false),
            waker,
        }
    }

    /// How many steps the work has, once the worker knows.
    pub fn set_total(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.wake();
    }

    /// One more step done.
    pub fn advance(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.wake();
    }

    /// (done, total)
    pub fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Whether the user asked to stop; a worker checks between two steps, so the step under
    /// way is always finished.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn wake(&self) {
        if let Some(waker) = &self.waker {
            waker();
        }
    }
}

/// Names a running job (to stop it from the status bar).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JobId(u64);

impl JobId {
    fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The worker ended without a result: it panicked.
#[derive(Debug, thiserror::Error)]
#[error("后台任务意外中止，未完成。请重试；如反复出现，请把日志发给技术支持。")]
pub struct JobLost;

/// A running job that will produce a `T`.
#[derive(Debug)]
pub struct Job<T> {
    id: JobId,
    description: String,
    progress: Arc<Progress>,
    receiver: Receiver<T>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread named `thread`. `description` is what the status bar says;
    /// `total` the number of steps if known (0 if not yet).
    pub fn spawn(
        thread: &str,
        description: impl Into<String>,
        total: usize,
        waker: Option<Waker>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = channel();
        let progress = Arc::new(Progress::new(total, waker));
        let worker = Arc::clone(&progress);
        std::thread::Builder::new()
            .name(thread.to_owned())
            .spawn(move || {
                let result = work(&worker);
                // The receiver is gone only if the app closed: nobody to tell.
                let _ = sender.send(result);
                worker.wake();
            })?;
        Ok(Self {
            id: JobId::next(),
            description: description.into(),
            progress,
            receiver,
        })
    }
}

impl<T> Job<T> {
    pub fn id(&self) -> JobId {
        self.id
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// (done, total)
    pub fn progress(&self) -> (usize, usize) {
        self.progress.get()
    }

    /// Asks the worker to stop after the step under way.
    pub fn cancel(&self) {
        self.progress.cancelled.store(true, Ordering::Relaxed);
    }

    /// The result once the worker is done; `Err` if it died without one.
    pub fn try_finish(&self) -> Option<Result<T, JobLost>> {
        match self.receiver.try_recv() {
            Ok(result) => Some(Ok(result)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(JobLost)),
        }
    }
}

/// Runs `f` on every item, on up to one named thread per core (`{name}-0`, `{name}-1`, …),
/// each taking the next item when done with one; the results keep the items' order. With no
/// thread to be had, the items are done here, one by one. A panic in `f` is raised here.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    name: &str,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = Vec::new();
    slots.resize_with(items.len(), || None);
    let slots = std::sync::Mutex::new(slots);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let result = f(item);
            if let Ok(mut slots) = slots.lock() {
                slots[i] = Some(result);
            }
        }
    };
    std::thread::scope(|scope| {
        let spawned = (0..workers)
            .filter(|n| {
                workers > 1
                    && std::thread::Builder::new()
                        .name(format!("{name}-{n}"))
                        .spawn_scoped(scope, work)
                        .is_ok()
            })
            .count();
        if spawned == 0 {
            work();
        }
    });
    // Every slot is filled: a worker that panicked has panicked this scope.
    slots
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
