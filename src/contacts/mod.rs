//! The contact graph: who talks to whom, and how behaviour spreads along those ties.
//!
//! This module owns the social-network side of the simulator:
//! - [`SocialModel`], the network model named in a scenario's `[social]` section, and its
//!   validation ([`SocialModel::validate`]) into [`ContactsError`];
//! - [`ContactGraph`], an undirected graph in compressed sparse rows sized for a whole country
//!   (person ids are `u32`, row offsets `u64`), built deterministically in parallel by one
//!   generator per model (`erdos_renyi`, `watts_strogatz`, `barabasi_albert`,
//!   `stochastic_block`);
//! - [`largest_component_share`], the connectivity question "who can still reach whom when
//!   some ties stop working" (site or bond percolation via a predicate);
//! - [`threshold_cascade`], the Watts (2002) fractional-threshold cascade used for adoption or
//!   panic spreading through the contact graph.
//!
//! Everything random here is derived from a single `u64` seed through per-chunk
//! `Xoshiro256PlusPlus` streams (see `rng`), so a graph is byte-identical for the same
//! (model, segments, seed) whatever the rayon thread count.

mod barabasi_albert;
mod cascade;
mod components;
mod csr;
mod erdos_renyi;
mod rng;
mod stochastic_block;
mod watts_strogatz;

#[cfg(test)]
pub(crate) mod test_support;

pub use cascade::threshold_cascade;
pub(crate) use cascade::{AtThreshold, spread, waiting_for};
pub use components::largest_component_share;
pub(crate) use components::largest_component_share_among;
pub use csr::{ContactGraph, MAX_PARTITIONS};

use crate::observe::{BuildObserver, Silent};

/// The social network model, as given in the scenario's `[social]` section.
///
/// `mean_degree` is the expected number of contacts per person (`c`); what each model does with
/// it is documented on its variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SocialModel {
    /// G(n, p) with p = c / (n − 1): every pair of people is tied independently, so degrees are
    /// Binomial(n − 1, p) ≈ Poisson(c).
    ErdosRenyi {
        /// Expected contacts per person, c.
        mean_degree: f64,
    },
    /// Ring lattice where everyone is tied to the k/2 nearest people on each side
    /// (k = round(c), which must be even and ≥ 2), then each tie's far end is rewired to a
    /// uniformly random person with probability `rewire_probability`.
    WattsStrogatz {
        /// Expected contacts per person, c (rounded to the even lattice degree k).
        mean_degree: f64,
        /// Probability that a lattice tie's far end is rewired.
        rewire_probability: f64,
    },
    /// Preferential attachment: each new person brings c/2 ties (on average; the integer part
    /// always, one more with probability equal to the fractional part) to existing people chosen
    /// with probability proportional to their degree. Requires c ≥ 2.
    BarabasiAlbert {
        /// Expected contacts per person, c (at least 2).
        mean_degree: f64,
    },
    /// Stochastic block model with the scenario's segments as blocks. `homophily` is the share
    /// of ties inside a person's own segment: each person expects homophily·c ties inside their
    /// segment, and the remaining (1 − homophily)·c on average go to other segments in
    /// proportion to their size (see `stochastic_block` for the exact rule).
    StochasticBlock {
        /// Expected contacts per person, c.
        mean_degree: f64,
        /// Share of a person's ties inside their own segment.
        homophily: f64,
    },
}

/// Why a social model cannot be built for a population.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContactsError {
    /// `mean_degree` is negative or not finite.
    #[error("mean_degree must be a finite number ≥ 0, got {mean_degree}")]
    InvalidMeanDegree {
        /// The value given.
        mean_degree: f64,
    },
    #[error(
        "mean_degree {mean_degree} needs more people than {people}: it must be at most people − 1"
    )]
    /// More contacts per person than there are other people.
    MeanDegreeTooLarge {
        /// The value given.
        mean_degree: f64,
        /// People in the graph.
        people: u64,
    },
    #[error("{name} must lie in [0, 1], got {value}")]
    /// A probability outside [0, 1].
    InvalidProbability {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    #[error(
        "Watts–Strogatz needs mean_degree to round to an even number ≥ 2 (k/2 neighbours on each side of the ring), got {mean_degree}"
    )]
    /// A Watts–Strogatz degree that does not round to an even number ≥ 2.
    WattsStrogatzDegree {
        /// The value given.
        mean_degree: f64,
    },
    #[error(
        "Barabási–Albert needs mean_degree ≥ 2 (each new person brings mean_degree/2 ≥ 1 ties), got {mean_degree}"
    )]
    /// A Barabási–Albert degree below 2.
    BarabasiAlbertDegree {
        /// The value given.
        mean_degree: f64,
    },
    #[error("invalid segment_starts: {reason}")]
    /// Segment boundaries that are not increasing or do not cover the people.
    InvalidSegments {
        /// What is wrong with them.
        reason: String,
    },
    #[error(
        "segment {segment} has {people} people, too few for {inside_ties} expected ties inside it per person (homophily × mean_degree must be at most segment size − 1)"
    )]
    /// A segment too small for the ties expected inside it.
    SegmentTooSmall {
        /// Index of the segment.
        segment: usize,
        /// People in it.
        people: u64,
        /// Expected ties per person inside it (homophily × mean_degree).
        inside_ties: f64,
    },
    #[error(
        "segments are too unequal for {outside_ties} expected ties per person outside their own segment (the tie probability between segments would exceed 1)"
    )]
    /// Segments so unequal that a tie probability between them would exceed 1.
    OutsideTiesInfeasible {
        /// Expected ties per person outside their own segment.
        outside_ties: f64,
    },
    #[error("tie ({a}, {b}) names a person outside 0..{people}")]
    /// A given tie names a person who does not exist.
    TieOutOfRange {
        /// One end of the tie.
        a: u32,
        /// The other end.
        b: u32,
        /// People in the graph.
        people: u64,
    },
}

impl SocialModel {
    /// The expected number of contacts per person the user asked for.
    pub fn mean_degree(&self) -> f64 {
        match *self {
            SocialModel::ErdosRenyi { mean_degree }
            | SocialModel::WattsStrogatz { mean_degree, .. }
            | SocialModel::BarabasiAlbert { mean_degree }
            | SocialModel::StochasticBlock { mean_degree, .. } => mean_degree,
        }
    }

    /// Checks the parameters against the population described by `segment_starts` (see
    /// [`ContactGraph::generate`]). Every error a user can cause through the scenario file is
    /// reported here, so generation itself never panics on user input.
    pub fn validate(&self, segment_starts: &[u32]) -> Result<(), ContactsError> {
        let people = validate_segments(segment_starts)?;
        let mean_degree = self.mean_degree();
        if !mean_degree.is_finite() || mean_degree < 0.0 {
            return Err(ContactsError::InvalidMeanDegree { mean_degree });
        }
        // Nobody can have more contacts than there are other people.
        if mean_degree > people.saturating_sub(1) as f64 || people == 0 {
            return Err(ContactsError::MeanDegreeTooLarge {
                mean_degree,
                people,
            });
        }
        match *self {
            SocialModel::ErdosRenyi { .. } => Ok(()),
            SocialModel::WattsStrogatz {
                rewire_probability, ..
            } => {
                check_probability("rewire_probability", rewire_probability)?;
                watts_strogatz::lattice_degree(mean_degree)
                    .map(|_| ())
                    .ok_or(ContactsError::WattsStrogatzDegree { mean_degree })
            }
            SocialModel::BarabasiAlbert { .. } => {
                if mean_degree < 2.0 {
                    return Err(ContactsError::BarabasiAlbertDegree { mean_degree });
                }
                Ok(())
            }
            SocialModel::StochasticBlock { homophily, .. } => {
                check_probability("homophily", homophily)?;
                stochastic_block::Blocks::new(segment_starts, mean_degree, homophily).map(|_| ())
            }
        }
    }
}

impl ContactGraph {
    /// Generates the contact graph of a population.
    ///
    /// `segment_starts`: people are numbered segment by segment; segment g owns ids
    /// `segment_starts[g]..segment_starts[g+1]` (last entry = number of people). Only the
    /// stochastic block model looks at the segments; the other models only use the total.
    ///
    /// The result depends only on (model, segment_starts, seed), never on the thread count.
    pub fn generate(
        model: &SocialModel,
        segment_starts: &[u32],
        seed: u64,
    ) -> Result<ContactGraph, ContactsError> {
        Self::generate_observed(model, segment_starts, seed, &Silent)
    }

    /// [`ContactGraph::generate`], telling `observer` how far it has got.
    ///
    /// # Errors
    /// [`ContactsError`] when the model does not fit the population.
    pub fn generate_observed(
        model: &SocialModel,
        segment_starts: &[u32],
        seed: u64,
        observer: &dyn BuildObserver,
    ) -> Result<ContactGraph, ContactsError> {
        model.validate(segment_starts)?;
        // validate() guarantees a non-empty slice whose last entry is the population.
        let people = segment_starts.last().copied().unwrap_or(0);
        Ok(match *model {
            SocialModel::ErdosRenyi { mean_degree } => {
                erdos_renyi::generate(people, mean_degree, seed, observer)
            }
            SocialModel::WattsStrogatz {
                mean_degree,
                rewire_probability,
            } => {
                let k = watts_strogatz::lattice_degree(mean_degree)
                    .ok_or(ContactsError::WattsStrogatzDegree { mean_degree })?;
                watts_strogatz::generate(people, k, rewire_probability, seed, observer)
            }
            SocialModel::BarabasiAlbert { mean_degree } => {
                barabasi_albert::generate(people, mean_degree, seed, observer)
            }
            SocialModel::StochasticBlock {
                mean_degree,
                homophily,
            } => {
                let blocks = stochastic_block::Blocks::new(segment_starts, mean_degree, homophily)?;
                stochastic_block::generate(&blocks, mean_degree, seed, observer)
            }
        })
    }
}

fn check_probability(name: &'static str, value: f64) -> Result<(), ContactsError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(ContactsError::InvalidProbability { name, value })
    }
}

/// Checks that `segment_starts` is a non-decreasing list starting at 0 and returns the
/// population (its last entry).
fn validate_segments(segment_starts: &[u32]) -> Result<u64, ContactsError> {
    let invalid = |reason: &str| ContactsError::InvalidSegments {
        reason: reason.to_string(),
    };
    match segment_starts {
        [] => Err(invalid("the list is empty; it needs at least [0, people]")),
        [first, ..] if *first != 0 => Err(invalid("the first segment must start at person 0")),
        _ if segment_starts.windows(2).any(|w| w[1] < w[0]) => {
            Err(invalid("segment starts must be non-decreasing"))
        }
        [.., last] => Ok(u64::from(*last)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rejects_bad_parameters() {
        let seg = [0, 100];
        let er = |c| SocialModel::ErdosRenyi { mean_degree: c };
        assert!(er(4.0).validate(&seg).is_ok());
        assert!(matches!(
            er(100.0).validate(&seg),
            Err(ContactsError::MeanDegreeTooLarge { .. })
        ));
        assert!(matches!(
            er(f64::NAN).validate(&seg),
            Err(ContactsError::InvalidMeanDegree { .. })
        ));
        assert!(matches!(
            er(-1.0).validate(&seg),
            Err(ContactsError::InvalidMeanDegree { .. })
        ));
        let ws = |c, b| SocialModel::WattsStrogatz {
            mean_degree: c,
            rewire_probability: b,
        };
        assert!(ws(4.0, 0.1).validate(&seg).is_ok());
        assert!(matches!(
            ws(5.0, 0.1).validate(&seg),
            Err(ContactsError::WattsStrogatzDegree { .. })
        ));
        assert!(matches!(
            ws(4.0, 1.5).validate(&seg),
            Err(ContactsError::InvalidProbability { .. })
        ));
        assert!(matches!(
            SocialModel::BarabasiAlbert { mean_degree: 1.0 }.validate(&seg),
            Err(ContactsError::BarabasiAlbertDegree { .. })
        ));
        let sbm = |h| SocialModel::StochasticBlock {
            mean_degree: 4.0,
            homophily: h,
        };
        assert!(sbm(0.5).validate(&[0, 50, 100]).is_ok());
        assert!(matches!(
            sbm(-0.1).validate(&seg),
            Err(ContactsError::InvalidProbability { .. })
        ));
        assert!(matches!(
            sbm(0.9).validate(&[0, 3, 100]),
            Err(ContactsError::SegmentTooSmall { .. })
        ));
        for bad in [&[][..], &[1, 100], &[0, 60, 50, 100]] {
            assert!(matches!(
                er(1.0).validate(bad),
                Err(ContactsError::InvalidSegments { .. })
            ));
        }
        assert!(ContactGraph::generate(&er(0.0), &[0, 0], 1).is_err());
    }

    fn all_models() -> [SocialModel; 4] {
        [
            SocialModel::ErdosRenyi { mean_degree: 8.0 },
            SocialModel::WattsStrogatz {
                mean_degree: 8.0,
                rewire_probability: 0.3,
            },
            SocialModel::BarabasiAlbert { mean_degree: 8.0 },
            SocialModel::StochasticBlock {
                mean_degree: 8.0,
                homophily: 0.6,
            },
        ]
    }

    /// Same (model, segments, seed) → byte-identical graph on 1 and 4 threads; another seed →
    /// another graph. 100 000 people span several generation chunks and row blocks.
    #[test]
    fn generation_is_deterministic_across_thread_counts() {
        let segments = [0, 30_000, 45_000, 100_000];
        let build = |model: &SocialModel, threads: usize, seed: u64| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool")
                .install(|| ContactGraph::generate(model, &segments, seed))
                .expect("valid model")
        };
        for model in &all_models() {
            let one = build(model, 1, 2024);
            let four = build(model, 4, 2024);
            assert_eq!(one, four, "{model:?} differs between 1 and 4 threads");
            assert_ne!(one, build(model, 4, 2025), "{model:?} ignores the seed");
        }
    }

    /// Structural invariants for every model: symmetric, sorted rows, no self-loops, no
    /// duplicates.
    #[test]
    fn graphs_are_simple_and_undirected() {
        let segments = [0, 20_000, 50_000];
        for model in &all_models() {
            let g = ContactGraph::generate(model, &segments, 3).expect("valid model");
            assert_eq!(g.people(), 50_000);
            let mut entries = 0u64;
            for v in 0..g.people() as u32 {
                let row = g.neighbours(v);
                entries += row.len() as u64;
                assert!(row.windows(2).all(|w| w[0] < w[1]), "{model:?} row {v}");
                for &w in row {
                    assert_ne!(v, w, "{model:?} self-loop");
                    assert!(
                        g.neighbours(w).binary_search(&v).is_ok(),
                        "{model:?} asymmetric"
                    );
                }
            }
            assert_eq!(entries, 2 * g.tie_count());
        }
    }
}
