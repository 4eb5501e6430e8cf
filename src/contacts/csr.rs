//! [`ContactGraph`], the compressed-sparse-row storage of the contact graph, and the one place
//! where edge lists become CSR.
//!
//! The builder is shared by every generator and is written for country scale (51.7 M people,
//! ~1 G directed entries). Generators hand it an [`EdgeSource`] that can replay any chunk of
//! edges on demand (from the chunk's own RNG stream), so no edge list is ever stored: a first
//! pass counts degrees, a second pass regenerates the same edges and scatters them into rows
//! with atomic cursors, in parallel. Peak memory is one neighbour array plus per-person
//! counters. Rows are then sorted and deduped, which makes the layout independent of the order
//! in which threads wrote, so the graph is byte-identical for any thread count.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::ContactsError;
use crate::observe::{BuildObserver, Silent, Stage};

/// Edges per parallel task when the edges come from a stored list.
const EDGE_BLOCK: usize = 1 << 16;
/// Rows per parallel task when sorting and deduping.
const ROW_BLOCK: usize = 1 << 14;

/// Undirected contact graph in compressed sparse rows: person ids are `u32`, offsets `u64`.
///
/// Every tie is stored in both people's rows; rows are sorted ascending and hold no self-loops
/// and no duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGraph {
    /// `offsets[p]..offsets[p + 1]` is person p's row in `neighbours`; `people() + 1` entries.
    offsets: Vec<u64>,
    neighbours: Vec<u32>,
}

impl ContactGraph {
    /// Builds a graph of `people` people from an explicit list of undirected ties, e.g. a
    /// hand-made network or one read from a file. Self-loops are dropped and repeated ties
    /// (in either direction) kept once.
    pub fn from_ties(people: u32, ties: &[(u32, u32)]) -> Result<ContactGraph, ContactsError> {
        if let Some(&(a, b)) = ties.iter().find(|&&(a, b)| a >= people || b >= people) {
            return Err(ContactsError::TieOutOfRange {
                a,
                b,
                people: u64::from(people),
            });
        }
        let edges: Vec<[u32; 2]> = ties.iter().map(|&(a, b)| [a, b]).collect();
        Ok(build(
            people,
            &EdgeList(&edges),
            edges.len() as u64,
            &Silent,
        ))
    }

    /// Number of people (rows).
    pub fn people(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The people `person` is tied to, sorted ascending.
    ///
    /// # Panics
    /// If `person` is not below [`people`](Self::people).
    pub fn neighbours(&self, person: u32) -> &[u32] {
        let p = person as usize;
        // Offsets index a Vec that exists in memory, so they fit in usize.
        &self.neighbours[self.offsets[p] as usize..self.offsets[p + 1] as usize]
    }

    /// Number of contacts of `person`.
    pub fn degree(&self, person: u32) -> usize {
        let p = person as usize;
        (self.offsets[p + 1] - self.offsets[p]) as usize
    }

    /// Number of undirected ties (each is stored twice).
    pub fn tie_count(&self) -> u64 {
        self.neighbours.len() as u64 / 2
    }

    /// Mean number of contacts per person (0 for an empty population).
    pub fn mean_degree(&self) -> f64 {
        if self.people() == 0 {
            0.0
        } else {
            self.neighbours.len() as f64 / self.people() as f64
        }
    }

    /// Bytes held by the graph's two arrays, for capacity planning.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.capacity() * size_of::<u64>() + self.neighbours.capacity() * size_of::<u32>()
    }
}

/// Edges split into chunks that can be produced independently and repeatedly.
pub(super) trait EdgeSource: Sync {
    /// Number of chunks; the builder asks for each of `0..chunk_count()`, in parallel.
    fn chunk_count(&self) -> usize;
    /// Calls `edge(a, b)` for every edge of `chunk` (each undirected edge once, either
    /// direction, ids below the population). Must produce the same edges on every call.
    fn emit(&self, chunk: usize, edge: impl FnMut(u32, u32));
}

/// A stored edge list as an [`EdgeSource`] (Barabási–Albert, hand-made graphs).
pub(super) struct EdgeList<'a>(pub(super) &'a [[u32; 2]]);

impl EdgeSource for EdgeList<'_> {
    fn chunk_count(&self) -> usize {
        self.0.len().div_ceil(EDGE_BLOCK)
    }

    fn emit(&self, chunk: usize, mut edge: impl FnMut(u32, u32)) {
        let end = self.0.len().min((chunk + 1) * EDGE_BLOCK);
        for &[a, b] in &self.0[chunk * EDGE_BLOCK..end] {
            edge(a, b);
        }
    }
}

/// Turns the edges of `source` (ids below `people`) into a CSR graph. Self-loops are skipped
/// and duplicates removed, so generators may produce a few of either.
///
/// `expected_ties` sizes the first progress stage (the ties are counted as they are drawn).
pub(super) fn build(
    people: u32,
    source: &impl EdgeSource,
    expected_ties: u64,
    observer: &dyn BuildObserver,
) -> ContactGraph {
    let n = people as usize;
    let for_each_edge = |f: &(dyn Fn(u32, u32) + Sync)| {
        (0..source.chunk_count()).into_par_iter().for_each(|chunk| {
            let mut emitted = 0u64;
            source.emit(chunk, |a, b| {
                emitted += 1;
                if a != b {
                    f(a, b);
                }
            });
            observer.advance(emitted);
        });
    };

    // Pass 1: degrees. Atomic sums are order-independent, hence deterministic.
    observer.stage(Stage::Ties, expected_ties);
    let cursor: Vec<AtomicU32> = (0..n).into_par_iter().map(|_| AtomicU32::new(0)).collect();
    for_each_edge(&|a, b| {
        cursor[a as usize].fetch_add(1, Ordering::Relaxed);
        cursor[b as usize].fetch_add(1, Ordering::Relaxed);
    });
    let mut offsets = Vec::with_capacity(n + 1);
    let mut total = 0u64;
    offsets.push(0);
    for c in &cursor {
        total += u64::from(c.load(Ordering::Relaxed));
        offsets.push(total);
    }
    cursor
        .par_iter()
        .for_each(|c| c.store(0, Ordering::Relaxed));

    // Pass 2: replay the edges and scatter both directions of every tie into its rows. The
    // position within a row depends on thread timing; the per-row sort below erases that.
    observer.stage(Stage::PlacingTies, total / 2);
    let slots: Vec<AtomicU32> = (0..total)
        .into_par_iter()
        .map(|_| AtomicU32::new(0))
        .collect();
    for_each_edge(&|a, b| {
        let at =
            offsets[a as usize] + u64::from(cursor[a as usize].fetch_add(1, Ordering::Relaxed));
        slots[at as usize].store(b, Ordering::Relaxed);
        let at =
            offsets[b as usize] + u64::from(cursor[b as usize].fetch_add(1, Ordering::Relaxed));
        slots[at as usize].store(a, Ordering::Relaxed);
    });
    drop(cursor);
    // Same size and alignment, so the standard library reuses the allocation in place
    // (no second copy of the largest array).
    let mut neighbours: Vec<u32> = slots.into_iter().map(AtomicU32::into_inner).collect();

    // Pass 3: sort and dedupe each row, compacting each block of rows towards its start.
    observer.stage(Stage::SortingContacts, n as u64);
    let mut pieces = Vec::with_capacity(n.div_ceil(ROW_BLOCK));
    let mut rest: &mut [u32] = &mut neighbours;
    for lo in (0..n).step_by(ROW_BLOCK) {
        let hi = (lo + ROW_BLOCK).min(n);
        let (head, tail) =
            std::mem::take(&mut rest).split_at_mut((offsets[hi] - offsets[lo]) as usize);
        pieces.push((lo, hi, head));
        rest = tail;
    }
    let blocks: Vec<(Vec<u32>, usize)> = pieces
        .into_par_iter()
        .map(|(lo, hi, rows)| {
            let base = offsets[lo];
            let mut degrees = Vec::with_capacity(hi - lo);
            let mut write = 0;
            for p in lo..hi {
                let (start, end) = (
                    (offsets[p] - base) as usize,
                    (offsets[p + 1] - base) as usize,
                );
                rows[start..end].sort_unstable();
                let row_start = write;
                for i in start..end {
                    // `write ≤ i`, so compaction never overwrites an unread entry.
                    if write == row_start || rows[write - 1] != rows[i] {
                        rows[write] = rows[i];
                        write += 1;
                    }
                }
                degrees.push((write - row_start) as u32);
            }
            observer.advance((hi - lo) as u64);
            (degrees, write)
        })
        .collect();

    // Pass 4: close the gaps between blocks left by removed duplicates (sequential memmoves,
    // each block moving left, so no block overwrites one not yet moved).
    let mut write = 0usize;
    let mut person = 0usize;
    for (degrees, kept) in &blocks {
        let read = offsets[person] as usize;
        neighbours.copy_within(read..read + kept, write);
        for &d in degrees {
            offsets[person] = write as u64;
            write += d as usize;
            person += 1;
        }
    }
    offsets[n] = write as u64;
    neighbours.truncate(write);
    neighbours.shrink_to_fit();
    ContactGraph {
        offsets,
        neighbours,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_ties_is_undirected_sorted_without_loops_or_duplicates() {
        let g = ContactGraph::from_ties(5, &[(0, 3), (3, 0), (1, 1), (0, 1), (4, 0), (0, 3)])
            .expect("ids are in range");
        assert_eq!(g.people(), 5);
        assert_eq!(g.tie_count(), 3);
        assert_eq!(g.neighbours(0), &[1, 3, 4]);
        assert_eq!(g.neighbours(1), &[0]);
        assert_eq!(g.neighbours(2), &[] as &[u32]);
        assert_eq!(g.neighbours(3), &[0]);
        assert_eq!(g.degree(4), 1);
        assert!((g.mean_degree() - 6.0 / 5.0).abs() < 1e-12);
        assert!(matches!(
            ContactGraph::from_ties(2, &[(0, 2)]),
            Err(ContactsError::TieOutOfRange { .. })
        ));
        let empty = ContactGraph::from_ties(0, &[]).expect("empty graph");
        assert_eq!((empty.people(), empty.tie_count()), (0, 0));
    }

    /// Duplicates spread over several row blocks exercise the block compaction of pass 4.
    #[test]
    fn dedupe_across_row_blocks() {
        let n = 3 * ROW_BLOCK as u32 + 7;
        let ties: Vec<(u32, u32)> = (0..n)
            .flat_map(|p| {
                let q = (p * 7 + 3) % n;
                [(p, q), (q, p), (p, (p + 1) % n)]
            })
            .collect();
        let g = ContactGraph::from_ties(n, &ties).expect("ids are in range");
        let mut expected: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
        for &(a, b) in &ties {
            if a != b {
                expected[a as usize].push(b);
                expected[b as usize].push(a);
            }
        }
        for (p, row) in expected.iter_mut().enumerate() {
            row.sort_unstable();
            row.dedup();
            assert_eq!(g.neighbours(p as u32), row.as_slice(), "row {p}");
        }
    }
}
