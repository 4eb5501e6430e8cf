//! Locality of random memory access. At country scale the big arrays (the rows of the contact
//! graph, a counter or a platform set per person) are far larger than the caches and than what
//! the processor's address-translation cache covers in ordinary 4 KiB pages, so a pass that
//! touches them in random order waits for memory on almost every access. Two remedies, both
//! hints that never change a result:
//! - [`prefetch`]: ask for a cache line a few iterations before it is used, so that many such
//!   waits overlap (the random passes of the contact-graph build ran 2.5 to 3 times faster);
//! - [`zeroed`]: allocate a large array in 2 MiB pages where the kernel allows it, so that a
//!   random access rarely misses the translation cache as well (placing the ties of a whole
//!   country took 17 s instead of 30 s).
//!
//! The only module allowed `unsafe` (the crate root denies it elsewhere): two intrinsics, each
//! with its safety argument beside it.

use rayon::prelude::*;

/// Asks the processor to start loading the cache line that holds `value`. A hint only: it reads
/// nothing the program can see and never changes a result.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    fetch_line::<{ core::arch::x86_64::_MM_HINT_T0 }, T>(value);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// [`prefetch`] for a line about to be written: fetched ready to be modified, so the write does
/// not wait to take it from another core's cache.
#[inline(always)]
pub(crate) fn prefetch_for_write<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    fetch_line::<{ core::arch::x86_64::_MM_HINT_ET0 }, T>(value);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn fetch_line<const HINT: i32, T>(value: &T) {
    // SAFETY: a prefetch never faults, whatever the address, and has no effect the program can
    // observe; SSE, which provides it, is part of every x86-64 processor.
    unsafe { core::arch::x86_64::_mm_prefetch::<HINT>((value as *const T).cast::<i8>()) }
}

/// How many entries ahead of its use a random access is prefetched: far enough for the memory
/// to answer (about 100 ns) while a few nanoseconds of work go on per entry, near enough that
/// the lines are still in cache when used.
pub(crate) const AHEAD: usize = 64;

/// Arrays smaller than this are left in ordinary pages: they fit the caches, or too few huge
/// pages would cover them to matter.
const HUGE_PAGES_FROM_BYTES: usize = 64 << 20;

/// `len` default (zero) values, in memory backed by huge pages where the kernel allows it
/// (see [`filled`]).
pub(crate) fn zeroed<T: Default + Send>(len: usize) -> Vec<T> {
    filled(len, |_| T::default())
}

/// `value(i)` for every i in `0..len`, written in parallel, in memory that the kernel is first
/// asked to back with huge pages (Linux `madvise(MADV_HUGEPAGE)`, honoured when transparent
/// huge pages are set to `madvise` or `always`; elsewhere an ordinary vector).
pub(crate) fn filled<T: Send>(len: usize, value: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    let mut values: Vec<T> = Vec::with_capacity(len);
    advise_huge_pages(&values);
    values.par_extend((0..len).into_par_iter().map(value));
    values
}

/// Advises huge pages for the (still untouched) capacity of `values`.
fn advise_huge_pages<T>(values: &Vec<T>) {
    let bytes = values.capacity() * size_of::<T>();
    if bytes < HUGE_PAGES_FROM_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = values.as_ptr() as usize;
        let first = start.next_multiple_of(PAGE);
        let length = (start + bytes).saturating_sub(first) / PAGE * PAGE;
        // SAFETY: the range lies inside an allocation this vector owns, on page boundaries;
        // MADV_HUGEPAGE only changes how the kernel backs the pages, never their contents. A
        // refusal (an old kernel, huge pages switched off) is harmless, so the result is
        // ignored.
        unsafe {
            libc::madvise(first as *mut libc::c_void, length, libc::MADV_HUGEPAGE);
        }
    }
}
