//! Giving freed memory back to the system. glibc's allocator returns freed memory only from
//! the top of each heap, and raises its threshold for taking large blocks straight from the
//! system as the program frees them: after a 100,000-compound register view was freed, 140 MB
//! stayed resident; photo buffers of 9 MB grew the worker threads' heaps for good; and the
//! next large task added its own on top (the whole `yanshou bench` peaked at 380 MB, each part
//! alone under 230). So large blocks always come from the system and go back to it when
//! freed, and freed memory is handed back when a long job (an import, an export, photos) ends
//! and when a large view has been freed on its own thread. Not after every screen's loading,
//! and the threads keep a heap each: a shared heap made the window wait for its lock while a
//! loader worked (stalls of 14–22 ms instead of 9–11 at 100,000 compounds).

/// At start, before any thread: blocks of 4 MiB or more come from the system and go back to
/// it when freed (glibc would otherwise raise this threshold up to 32 MiB as it goes).
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt takes plain integers; called before the program starts any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
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
