//! A counting global allocator: forwards to the system allocator, counts
//! allocations and reallocations made on the current thread while a
//! [`Scope`] is open, and tracks the live heap bytes of the whole process.
//!
//! The counter is per thread, so that tests running in parallel do not
//! count each other. Each test binary declares the allocator itself:
//!
//! ```ignore
//! use fastcors_testkit::alloc::CountingAlloc;
//! #[global_allocator]
//! static A: CountingAlloc = CountingAlloc;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

/// The allocator. Counts only once declared `#[global_allocator]`.
pub struct CountingAlloc;

thread_local! {
    // `const` initialisers: no lazy init (which could allocate) and no
    // destructor, so reading them inside the allocator is sound.
    static ON: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

static LIVE: AtomicIsize = AtomicIsize::new(0);

fn count_one() {
    // `try_with`: the allocator may run while the thread is being torn down.
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: only forwards to the system allocator and counts.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counting on the current thread, from [`Scope::start`] to [`Scope::stop`]
/// (usable across `.await`s on a single-threaded runtime).
#[must_use = "stop() returns the count"]
pub struct Scope(());

impl Scope {
    /// Resets this thread's counter and starts counting.
    pub fn start() -> Scope {
        COUNT.with(|c| c.set(0));
        ON.with(|on| on.set(true));
        Scope(())
    }

    /// Stops counting; the allocations and reallocations made on this
    /// thread since [`Scope::start`].
    pub fn stop(self) -> usize {
        ON.with(|on| on.set(false));
        COUNT.with(Cell::get)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let _ = ON.try_with(|on| on.set(false));
    }
}

/// Runs `f` and returns its result with the allocations it made on this
/// thread.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let scope = Scope::start();
    let r = f();
    (r, scope.stop())
}

/// Bytes currently allocated through the allocator, all threads.
pub fn live_bytes() -> isize {
    LIVE.load(Ordering::SeqCst)
}
