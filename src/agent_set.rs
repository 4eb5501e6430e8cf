//! Sets of agents as bitsets (one bit per agent: 6.5 MB for a whole country, so a lookup at a
//! random agent stays in cache), built in parallel a chunk of agents at a time: each chunk fills
//! its own blocks, and the blocks are joined in chunk order.

use fixedbitset::FixedBitSet;
use rayon::prelude::*;

const BLOCK_BITS: usize = usize::BITS as usize;

/// The blocks of one chunk of a set of agents, the chunk starting at a multiple of the block
/// size.
pub struct ChunkBits {
    first: usize,
    blocks: Vec<usize>,
}

impl ChunkBits {
    /// An empty chunk of agents `first..last`; `first` must be a multiple of 64.
    pub fn new(first: usize, last: usize) -> ChunkBits {
        debug_assert_eq!(first % BLOCK_BITS, 0, "chunks start on a block");
        ChunkBits {
            first,
            blocks: vec![0; (last - first).div_ceil(BLOCK_BITS)],
        }
    }

    /// Adds `agent`, one of the chunk's.
    pub fn insert(&mut self, agent: usize) {
        let bit = agent - self.first;
        self.blocks[bit / BLOCK_BITS] |= 1 << (bit % BLOCK_BITS);
    }
}

/// The set of `agents` agents whose chunks, in order, are `chunks`.
pub fn join(agents: usize, chunks: impl IntoIterator<Item = ChunkBits>) -> FixedBitSet {
    FixedBitSet::with_capacity_and_blocks(agents, chunks.into_iter().flat_map(|c| c.blocks))
}

/// The agents `0..agents` for which `member` holds, in chunks of `chunk` agents (a multiple of
/// 64), in parallel.
pub fn collect(agents: usize, chunk: usize, member: impl Fn(usize) -> bool + Sync) -> FixedBitSet {
    let chunks: Vec<ChunkBits> = (0..agents)
        .into_par_iter()
        .step_by(chunk)
        .map(|first| {
            let last = (first + chunk).min(agents);
            let mut bits = ChunkBits::new(first, last);
            for agent in (first..last).filter(|&a| member(a)) {
                bits.insert(agent);
            }
            bits
        })
        .collect();
    join(agents, chunks)
}
