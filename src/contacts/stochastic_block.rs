//! Stochastic block model with the scenario's segments as blocks.
//!
//! Ties inside segment g form G(n_g, p_g) with p_g = h·c/(n_g − 1), so everyone expects exactly
//! h·c ties inside their own segment. Ties between different segments all have the same
//! probability q, so a person's outside ties go to the other segments in proportion to their
//! size. A single q cannot give *every* person exactly (1 − h)·c outside ties when segments
//! differ in size (people in a big segment have fewer outsiders to be tied to; if one segment
//! holds more than half of everyone no symmetric rule can), so q is set to give (1 − h)·c on
//! average over everyone: q = (1 − h)·c·n / (n² − Σ n_g²). The mean degree is then c and the
//! share of ties inside segments is h, exactly in expectation; with equal segments every
//! person's expectations are exact.
//!
//! With a single (non-empty) segment there is no outside: all c ties go inside and homophily is
//! ignored. Generation is exact (geometric skipping over higher ids, as for Erdős–Rényi) and
//! chunked like it.

use super::ContactsError;
use super::csr::{self, ContactGraph, EdgeSource};
use super::rng::{self, Stream};
use crate::observe::BuildObserver;

/// Validated block structure: segment boundaries and tie probabilities.
#[derive(Debug, Clone)]
pub(super) struct Blocks {
    starts: Vec<u32>,
    inside: Vec<f64>,
    outside: f64,
    inside_ties: Vec<rng::BernoulliSkip>,
    outside_ties: rng::BernoulliSkip,
}

impl Blocks {
    /// Tie probabilities for `segment_starts` (already checked to be a valid partition) and
    /// mean degree `c` (0 ≤ c ≤ n − 1), or the reason they would exceed 1.
    pub(super) fn new(
        segment_starts: &[u32],
        c: f64,
        homophily: f64,
    ) -> Result<Self, ContactsError> {
        let sizes: Vec<f64> = segment_starts
            .windows(2)
            .map(|w| f64::from(w[1] - w[0]))
            .collect();
        let n: f64 = sizes.iter().sum();
        let nonempty = sizes.iter().filter(|&&s| s > 0.0).count();
        let (inside_ties, outside) = if nonempty <= 1 {
            (c, 0.0)
        } else {
            let squares: f64 = sizes.iter().map(|s| s * s).sum();
            (
                (homophily * c),
                (1.0 - homophily) * c * n / (n * n - squares),
            )
        };
        if outside > 1.0 {
            return Err(ContactsError::OutsideTiesInfeasible {
                outside_ties: (1.0 - homophily) * c,
            });
        }
        let inside = sizes
            .iter()
            .enumerate()
            .map(|(segment, &size)| {
                let p = if inside_ties == 0.0 {
                    0.0
                } else {
                    inside_ties / (size - 1.0)
                };
                if size > 0.0 && !(0.0..=1.0).contains(&p) {
                    Err(ContactsError::SegmentTooSmall {
                        segment,
                        people: size as u64,
                        inside_ties,
                    })
                } else {
                    Ok(p)
                }
            })
            .collect::<Result<_, _>>()?;
        let inside: Vec<f64> = inside;
        Ok(Blocks {
            starts: segment_starts.to_vec(),
            inside_ties: inside.iter().map(|&p| rng::BernoulliSkip::new(p)).collect(),
            outside_ties: rng::BernoulliSkip::new(outside),
            inside,
            outside,
        })
    }

    fn people(&self) -> u32 {
        self.starts.last().copied().unwrap_or(0)
    }
}

/// Stochastic block graph for validated `blocks`.
pub(super) fn generate(
    blocks: &Blocks,
    mean_degree: f64,
    seed: u64,
    observer: &dyn BuildObserver,
) -> ContactGraph {
    let expected = (f64::from(blocks.people()) * mean_degree / 2.0) as u64;
    csr::build(
        blocks.people(),
        &BlockEdges { blocks, seed },
        expected,
        observer,
    )
}

/// The edges of the block model, one stream per chunk of people.
struct BlockEdges<'a> {
    blocks: &'a Blocks,
    seed: u64,
}

impl EdgeSource for BlockEdges<'_> {
    fn chunk_count(&self) -> usize {
        rng::chunk_count(self.blocks.people())
    }

    fn emit(&self, chunk: usize, mut edge: impl FnMut(u32, u32)) {
        let Blocks {
            starts,
            inside_ties,
            outside_ties,
            ..
        } = self.blocks;
        let people = self.blocks.people();
        let (lo, hi) = rng::chunk_range(people, chunk);
        let mut rng = rng::chunk_rng(self.seed, Stream::StochasticBlock, chunk as u64);
        // Segment of person `lo`: the last segment starting at or before it (an empty segment
        // shares its start with the next one, so taking the last skips it).
        let mut g = starts.partition_point(|&s| s <= lo) - 1;
        for i in lo..hi {
            while i >= starts[g + 1] {
                g += 1;
            }
            let end = starts[g + 1];
            inside_ties[g].for_each(&mut rng, i + 1, end, |j| edge(i, j));
            outside_ties.for_each(&mut rng, end, people, |j| edge(i, j));
        }
    }

    /// The expected ties of the chunk's first person to higher ids, times its size.
    fn chunk_weight(&self, chunk: usize) -> f64 {
        let Blocks {
            starts,
            inside,
            outside,
            ..
        } = self.blocks;
        let (lo, hi) = rng::chunk_range(self.blocks.people(), chunk);
        let g = starts.partition_point(|&s| s <= lo).saturating_sub(1);
        let end = starts.get(g + 1).copied().unwrap_or(lo);
        let higher = inside.get(g).copied().unwrap_or(0.0) * f64::from(end.saturating_sub(lo))
            + outside * f64::from(self.blocks.people().saturating_sub(end));
        f64::from(hi - lo) * (higher + 1.0)
    }

    /// Each person's ties to higher ids come in ascending order (their own segment's, then the
    /// segments after it), after every tie from a lower id, so every row arrives sorted.
    fn rows_come_sorted(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::test_support::{assert_within, degree_stats};
    use crate::observe::Silent;

    fn segment_of(starts: &[u32], v: u32) -> usize {
        starts.partition_point(|&s| s <= v) - 1
    }

    /// Tie counts between segments g ≤ g' are sums of independent Bernoullis, so each is
    /// ≈ Poisson with standard deviation sqrt(expected); the inside share I/T given T is
    /// Binomial(T, h)/T with standard error sqrt(h(1 − h)/T). We allow five standard errors.
    #[test]
    fn homophily_share_and_size_proportional_mixing() {
        let starts = [0u32, 20_000, 70_000, 70_000, 150_000, 200_000];
        let (c, h) = (10.0, 0.7);
        let blocks = Blocks::new(&starts, c, h).expect("feasible");
        let g = generate(&blocks, 0.0, 99, &Silent);
        let segments = starts.len() - 1;
        let mut between = vec![vec![0u64; segments]; segments];
        for v in 0..g.people() as u32 {
            for &w in g.neighbours(v).iter().filter(|&&w| w > v) {
                let (a, b) = (segment_of(&starts, v), segment_of(&starts, w));
                between[a.min(b)][a.max(b)] += 1;
            }
        }
        let total = g.tie_count() as f64;
        let inside: u64 = (0..segments).map(|s| between[s][s]).sum();
        let share = inside as f64 / total;
        assert_within(
            "inside share",
            share,
            h,
            5.0 * (h * (1.0 - h) / total).sqrt(),
        );

        let nf = f64::from(starts[segments]);
        assert_within(
            "mean degree",
            degree_stats(&g).mean,
            c,
            5.0 * (2.0 * c / nf).sqrt(),
        );
        for a in 0..segments {
            for b in a..segments {
                let (na, nb) = (
                    f64::from(starts[a + 1] - starts[a]),
                    f64::from(starts[b + 1] - starts[b]),
                );
                let expected = if a == b {
                    blocks.inside[a] * na * (na - 1.0) / 2.0
                } else {
                    blocks.outside * na * nb
                };
                let measured = between[a][b] as f64;
                assert_within(
                    &format!("ties between segments {a} and {b}"),
                    measured,
                    expected,
                    5.0 * expected.sqrt() + 1e-9,
                );
            }
        }
    }

    /// With equal segments every person's expectation is exact: h·c inside, (1 − h)·c outside.
    #[test]
    fn equal_segments_give_exact_per_person_split() {
        let blocks = Blocks::new(&[0, 1000, 2000, 3000], 6.0, 0.25).expect("feasible");
        assert!((blocks.inside[0] * 999.0 - 1.5).abs() < 1e-12);
        assert!((blocks.outside * 2000.0 - 4.5).abs() < 1e-12);
    }

    /// A single segment (possibly with empty ones around it) is Erdős–Rényi with mean degree c.
    #[test]
    fn single_segment_is_erdos_renyi() {
        let n = 100_000u32;
        let c = 8.0;
        let blocks = Blocks::new(&[0, 0, n, n], c, 0.3).expect("feasible");
        let g = generate(&blocks, 0.0, 4, &Silent);
        let mean = degree_stats(&g).mean;
        assert_within(
            "mean degree",
            mean,
            c,
            5.0 * (2.0 * c / f64::from(n)).sqrt(),
        );
    }

    #[test]
    fn infeasible_blocks_are_errors() {
        // One person alone cannot have inside ties.
        assert!(matches!(
            Blocks::new(&[0, 1, 50, 100], 4.0, 0.5),
            Err(ContactsError::SegmentTooSmall { segment: 0, .. })
        ));
        // A lone outsider would need more than one tie to each of the others.
        assert!(matches!(
            Blocks::new(&[0, 2, 10], 5.0, 0.0),
            Err(ContactsError::OutsideTiesInfeasible { .. })
        ));
        // Homophily 0: no inside ties needed, so size-1 segments are fine.
        assert!(Blocks::new(&[0, 1, 50, 100], 4.0, 0.0).is_ok());
    }
}
