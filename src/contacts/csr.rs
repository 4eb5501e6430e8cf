//! [`ContactGraph`], the compressed-sparse-row storage of the contact graph, and the one place
//! where edge lists become CSR.
//!
//! The builder is shared by every generator and is written for country scale (51.7 M people,
//! ~1 G directed entries). Generators hand it an [`EdgeSource`] that can replay any chunk of
//! edges on demand (from the chunk's own RNG stream), so no edge list is ever stored: a first
//! pass counts degrees, a second pass regenerates the same edges and scatters them into rows.
//!
//! The chunks are split into a few contiguous partitions of about equal work, one per worker
//! thread, each with its own counter per person: no two partitions ever write the same counter,
//! so the counters need no atomic read-modify-write. Partition p places its entries of row v
//! after those of partitions 0..p, in the order it emits them, so every row holds its entries in
//! emission order whatever the thread count. Each partition gathers its edges in small batches
//! and prefetches the counters and slots a batch will touch (`crate::prefetch`): the far end of
//! a tie is a random person, and waiting for memory at every one of them was most of the time.
//! Generators that emit each row's entries in ascending order (Erdős–Rényi and the stochastic
//! block model draw each person's ties to higher ids in order) therefore get sorted rows for
//! free; the others are sorted and deduplicated row by row afterwards. Either way the graph is
//! byte-identical for any thread count. Peak memory is the graph (a 4-byte entry per tie end
//! and an 8-byte row offset per person) plus an 8-byte counter per person and partition.

use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rayon::prelude::*;

use super::ContactsError;
use crate::locality::{self, AHEAD, prefetch, prefetch_for_write};
use crate::observe::{BuildObserver, Silent, Stage};

/// Edges per parallel task when the edges come from a stored list.
const EDGE_BLOCK: usize = 1 << 16;
/// Most partitions of the chunks (one per worker thread up to this): each costs 8 bytes per
/// person while the graph is built.
pub const MAX_PARTITIONS: usize = 8;
/// Edges a partition gathers before placing them, so that their random accesses can be
/// prefetched.
const BATCH: usize = 1 << 11;
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

    /// Calls `visit(person, row)` for every person of `people` in order, with their row of
    /// contacts, while prefetching `per_person[c]` for the contacts `c` a few entries ahead:
    /// for the passes that read something of every contact (their platforms, their counts),
    /// which at country scale would otherwise wait for memory at every contact
    /// (`crate::prefetch`).
    ///
    /// # Panics
    /// If `people` reaches past the last person or `per_person` is shorter than the population.
    pub(crate) fn for_each_row<T>(
        &self,
        people: Range<usize>,
        per_person: &[T],
        mut visit: impl FnMut(usize, &[u32]),
    ) {
        let begin = self.offsets[people.start] as usize;
        let entries = &self.neighbours[begin..self.offsets[people.end] as usize];
        let mut prefetched = 0;
        for person in people {
            let row_start = self.offsets[person] as usize - begin;
            let row_end = self.offsets[person + 1] as usize - begin;
            let target = (row_end + AHEAD).min(entries.len());
            for &ahead in &entries[prefetched.min(target)..target] {
                prefetch(&per_person[ahead as usize]);
            }
            prefetched = prefetched.max(target);
            visit(person, &entries[row_start..row_end]);
        }
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
    /// Number of chunks; the builder asks for each of `0..chunk_count()`.
    fn chunk_count(&self) -> usize;
    /// Calls `edge(a, b)` for every edge of `chunk` (each undirected edge once, either
    /// direction, ids below the population). Must produce the same edges on every call.
    fn emit(&self, chunk: usize, edge: impl FnMut(u32, u32));
    /// The work in `chunk` relative to the others (its expected number of edges), by which
    /// the chunks are split into partitions of about equal work.
    fn chunk_weight(&self, _chunk: usize) -> f64 {
        1.0
    }
    /// Whether the edges, emitted chunk after chunk, reach every row in ascending order with
    /// no self-loop and no repeat, so that rows need no sorting.
    fn rows_come_sorted(&self) -> bool {
        false
    }
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

/// Turns the edges of `source` (ids below `people`) into a CSR graph. Self-loops are skipped;
/// duplicates are removed when rows are sorted, that is unless the source says its rows come
/// sorted (and then it emits none).
///
/// `expected_ties` sizes the first progress stage (the ties are counted as they are drawn).
///
/// # Complexity
/// Two generations of every edge and O(people + ties) memory traffic, in parallel; memory: the
/// graph plus 8 bytes per person and partition.
pub(super) fn build(
    people: u32,
    source: &impl EdgeSource,
    expected_ties: u64,
    observer: &dyn BuildObserver,
) -> ContactGraph {
    let n = people as usize;
    let parts = partitions(
        source,
        rayon::current_num_threads().clamp(1, MAX_PARTITIONS),
    );
    let width = parts.len().max(1);
    // `counters[p * n + v]` belongs to partition p alone, so a plain load and store (relaxed
    // atomics compile to ordinary moves) is a race-free increment; partition by partition, so
    // that partitions touching the same row (a hub) do not share its cache line. Counted first,
    // each then becomes the position where its partition's next entry of row v goes.
    let counters: Vec<AtomicU64> = locality::zeroed(n * width);
    let counter = |row: u32, part: usize| &counters[part * n + row as usize];
    let bump = |row: u32, part: usize| {
        let counter = counter(row, part);
        let value = counter.load(Ordering::Relaxed);
        counter.store(value + 1, Ordering::Relaxed);
        value
    };
    // Bumps both ends' counters of every tie of a batch, prefetched ahead, and hands `claimed`
    // the values they had.
    let bump_batch = |part: usize, batch: &[[u32; 2]], claimed: &mut dyn FnMut([u64; 2])| {
        for (i, &[a, b]) in batch.iter().enumerate() {
            if let Some(&[next_a, next_b]) = batch.get(i + AHEAD) {
                prefetch(counter(next_a, part));
                prefetch(counter(next_b, part));
            }
            claimed([bump(a, part), bump(b, part)]);
        }
    };

    // Pass 1: each partition counts its entries of every row.
    observer.stage(Stage::Ties, expected_ties);
    in_batches(&parts, source, observer, &|part, batch| {
        bump_batch(part, batch, &mut |_| {});
    });
    let mut offsets = vec![0u64; n + 1];
    offsets[1..]
        .par_chunks_mut(ROW_BLOCK)
        .enumerate()
        .for_each(|(block, degrees)| {
            for (i, degree) in degrees.iter_mut().enumerate() {
                let row = block * ROW_BLOCK + i;
                *degree = (0..width)
                    .map(|part| counters[part * n + row].load(Ordering::Relaxed))
                    .sum();
            }
        });
    for v in 0..n {
        offsets[v + 1] += offsets[v];
    }
    let total = offsets[n];
    offsets[..n]
        .par_chunks(ROW_BLOCK)
        .enumerate()
        .for_each(|(block, starts)| {
            for (i, &start) in starts.iter().enumerate() {
                let row = block * ROW_BLOCK + i;
                let mut position = start;
                for part in 0..width {
                    let counter = &counters[part * n + row];
                    let count = counter.load(Ordering::Relaxed);
                    counter.store(position, Ordering::Relaxed);
                    position += count;
                }
            }
        });

    // Pass 2: replay the edges and place both ends of every tie in their rows.
    observer.stage(Stage::PlacingTies, total / 2);
    let slots: Vec<AtomicU32> = locality::zeroed(total as usize);
    in_batches(&parts, source, observer, &|part, batch| {
        let mut positions = Vec::with_capacity(batch.len());
        bump_batch(part, batch, &mut |at| positions.push(at));
        for (i, (&[a, b], &[at_a, at_b])) in batch.iter().zip(&positions).enumerate() {
            if let Some(&[next_a, next_b]) = positions.get(i + AHEAD) {
                prefetch_for_write(&slots[next_a as usize]);
                prefetch_for_write(&slots[next_b as usize]);
            }
            slots[at_a as usize].store(b, Ordering::Relaxed);
            slots[at_b as usize].store(a, Ordering::Relaxed);
        }
    });
    drop(counters);
    // Same size and alignment, so the standard library reuses the allocation in place
    // (no second copy of the largest array).
    let mut neighbours: Vec<u32> = slots.into_iter().map(AtomicU32::into_inner).collect();
    if source.rows_come_sorted() {
        debug_assert!(
            (0..n).all(|v| neighbours[offsets[v] as usize..offsets[v + 1] as usize]
                .windows(2)
                .all(|w| w[0] < w[1])),
            "a source that says its rows come sorted emitted a row out of order"
        );
    } else {
        sort_rows(&mut offsets, &mut neighbours, observer);
    }
    ContactGraph {
        offsets,
        neighbours,
    }
}

/// Runs every partition's chunks in order, in parallel across partitions, handing `place` the
/// partition and its edges (self-loops left out) a batch at a time.
fn in_batches(
    parts: &[Range<usize>],
    source: &impl EdgeSource,
    observer: &dyn BuildObserver,
    place: &(dyn Fn(usize, &[[u32; 2]]) + Sync),
) {
    parts.par_iter().enumerate().for_each(|(part, chunks)| {
        let mut batch = Vec::with_capacity(BATCH);
        for chunk in chunks.clone() {
            let mut emitted = 0u64;
            source.emit(chunk, |a, b| {
                emitted += 1;
                if a != b {
                    batch.push([a, b]);
                    if batch.len() == BATCH {
                        place(part, &batch);
                        batch.clear();
                    }
                }
            });
            observer.advance(emitted);
        }
        place(part, &batch);
    });
}

/// Splits the chunks into at most `parts` contiguous ranges of about equal weight.
fn partitions(source: &impl EdgeSource, parts: usize) -> Vec<Range<usize>> {
    let chunks = source.chunk_count();
    let weights: Vec<f64> = (0..chunks).map(|c| source.chunk_weight(c)).collect();
    let total: f64 = weights.iter().sum();
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut done) = (0, 0.0);
    for (chunk, weight) in weights.iter().enumerate() {
        done += weight;
        if ranges.len() + 1 < parts && done >= total * (ranges.len() + 1) as f64 / parts as f64 {
            ranges.push(start..chunk + 1);
            start = chunk + 1;
        }
    }
    if start < chunks || ranges.is_empty() {
        ranges.push(start..chunks);
    }
    ranges
}

/// Sorts and dedupes every row, closing the gaps the removed duplicates leave.
fn sort_rows(offsets: &mut [u64], neighbours: &mut Vec<u32>, observer: &dyn BuildObserver) {
    let n = offsets.len() - 1;
    // Pass 3: sort and dedupe each row, compacting each block of rows towards its start.
    observer.stage(Stage::SortingContacts, n as u64);
    let mut pieces = Vec::with_capacity(n.div_ceil(ROW_BLOCK));
    let mut rest: &mut [u32] = neighbours;
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
