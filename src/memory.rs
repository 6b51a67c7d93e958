//! Giving freed memory back to the system. glibc's allocator returns freed memory only from
//! the top of each heap, and gives every new thread a heap of its own (up to eight per core):
//! after a 100,000-compound register view was freed, 140 MB stayed resident; after a batch of
//! photos on worker threads, their heaps kept 100 MB more; and the next large task added its
//! own on top (the whole `yanshou bench` peaked at 380 MB, each part alone under 230).
//! So threads share one heap per core, and freed memory is handed back where a large piece
//! of work has just ended: a background job's thread after it handed back its result, a large
//! view freed on its own thread.

/// At start, before any thread: at most one allocator heap per core.
pub fn limit_heaps() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
        let cores = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        #[allow(unsafe_code)]
        // SAFETY: mallopt takes plain integers; called before the program starts any thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, cores);
        }
    }
}

/// Asks the allocator to return the free pages it holds. Elsewhere than glibc (Windows,
/// musl, macOS), whose allocators give large blocks back themselves, it does nothing.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim takes no pointers and touches only glibc's own free lists, which it
    // locks while it runs; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
