//! The fractional-threshold cascade of Watts (2002), "A simple model of global cascades on
//! random networks", run as a frontier cascade on the contact graph.
//!
//! A person adopts once the share of their contacts who have adopted reaches their threshold.
//! Each person waits for a number of further adopters among their contacts, counted once before
//! the cascade; only the contacts of someone who just adopted are touched, each by one
//! decrement of what they wait for, so a cascade costs O(ties it reaches), not O(people ×
//! rounds), and can be resumed from new seeds later with the counts it has. Adoption is
//! monotone, so the final set does not depend on the order in which the frontier is processed;
//! it equals that of synchronous rounds.

use fixedbitset::FixedBitSet;
use rayon::prelude::*;

use super::ContactGraph;

/// Fractional-threshold cascade (Watts 2002), run as a frontier cascade: a person adopts as soon
/// as the share of their contacts who have adopted reaches their threshold
/// (`adopted contacts ≥ threshold × degree`). `adopted` is updated in place; starts from the
/// people in `seeds` (marked adopted here if they are not already).
///
/// Returns the people who adopted during the cascade, in adoption order; the seeds themselves
/// are not listed.
///
/// `adopted` may hold earlier adopters (they count towards their contacts' shares), but it is
/// assumed stable apart from the seeds: people are only examined when a seed not adopted before
/// or a new adopter is among their contacts. A person with no adopted contact never adopts,
/// whatever their threshold.
///
/// # Complexity
/// O(people + ties) to count what everyone waits for, then O(ties the cascade reaches).
///
/// # Panics
/// If `thresholds` or `adopted` do not have one entry per person, or a seed is not a person.
pub fn threshold_cascade(
    graph: &ContactGraph,
    thresholds: &[f32],
    adopted: &mut [bool],
    seeds: &[u32],
) -> Vec<u32> {
    let n = graph.people();
    assert_eq!(thresholds.len(), n, "one threshold per person");
    assert_eq!(adopted.len(), n, "one adoption flag per person");
    let waiting_for = waiting_for(graph, thresholds, adopted, |&a| a, AtThreshold::Adopt);
    let mut holders = FixedBitSet::with_capacity(n);
    for (person, _) in adopted.iter().enumerate().filter(|(_, a)| **a) {
        holders.insert(person);
    }
    let mut new_seeds = Vec::new();
    for &seed in seeds {
        if !holders.put(seed as usize) {
            new_seeds.push(seed);
        }
    }
    let first = new_seeds.len();
    let mut gained = vec![0u32; n];
    let order = spread(graph, &waiting_for, &mut gained, &mut holders, new_seeds);
    for &person in &order {
        adopted[person as usize] = true;
    }
    order[first..].to_vec()
}

/// What someone who has not adopted but whose share of adopted contacts already reaches their
/// threshold does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtThreshold {
    /// Adopts as soon as a contact changes (the textbook frontier cascade).
    Adopt,
    /// Has settled where they are and never adopts (the engine's rule for the state before an
    /// outage).
    Settled,
}

/// For every person, how many more contacts must adopt before they do, given that `adopted(x)`
/// says who has among `people` (one entry per person): `u32::MAX` for those who never can, and
/// for those already at their threshold what `at_threshold` says.
///
/// # Complexity
/// O(people + ties), in parallel.
pub(crate) fn waiting_for<T: Sync>(
    graph: &ContactGraph,
    thresholds: &[f32],
    people: &[T],
    adopted: impl Fn(&T) -> bool + Sync,
    at_threshold: AtThreshold,
) -> Vec<u32> {
    let mut waiting = vec![0u32; graph.people()];
    waiting
        .par_chunks_mut(PEOPLE_BLOCK)
        .enumerate()
        .for_each(|(block, waiting)| {
            let first = block * PEOPLE_BLOCK;
            graph.for_each_row(first..first + waiting.len(), people, |person, contacts| {
                let holding = contacts
                    .iter()
                    .filter(|&&c| adopted(&people[c as usize]))
                    .count() as u32;
                waiting[person - first] =
                    match contacts_awaited(holding, contacts.len(), thresholds[person]) {
                        Some(count) => count,
                        None if at_threshold == AtThreshold::Adopt => 0,
                        None => u32::MAX,
                    };
            });
        });
    waiting
}

/// People per parallel task when counting what everyone waits for.
const PEOPLE_BLOCK: usize = 1 << 14;

/// How many more of `degree` contacts must adopt, beyond the `holding` who have, before a person
/// of `threshold` adopts by [`reaches`]: `None` when they already reach it, `u32::MAX` when they
/// never can.
fn contacts_awaited(holding: u32, degree: usize, threshold: f32) -> Option<u32> {
    if reaches(holding, degree, threshold) {
        return None;
    }
    // reaches(count) ⇔ count ≥ 1 and count ≥ threshold × degree (exact in f64), so the least
    // count that reaches it is the larger of 1 and ⌈threshold × degree⌉.
    let least = (f64::from(threshold) * degree as f64).ceil().max(1.0);
    Some(if least > degree as f64 {
        u32::MAX
    } else {
        least as u32 - holding
    })
}

/// Runs the cascade from `seeds` (already marked in `holders`, not yet counted by their
/// contacts): each new adopter adds one to `gained` of each contact who has not adopted, and a
/// contact adopts once `gained` reaches `waiting_for`. `gained` carries over between calls, so a
/// cascade resumes where the last one stopped. Returns the seeds and everyone who adopted after
/// them, in adoption order.
pub(crate) fn spread(
    graph: &ContactGraph,
    waiting_for: &[u32],
    gained: &mut [u32],
    holders: &mut FixedBitSet,
    seeds: Vec<u32>,
) -> Vec<u32> {
    let mut adopted = seeds;
    let mut next = 0;
    while let Some(&person) = adopted.get(next) {
        next += 1;
        for &contact in graph.neighbours(person) {
            let c = contact as usize;
            if holders.contains(c) {
                continue;
            }
            gained[c] += 1;
            if gained[c] >= waiting_for[c] {
                holders.insert(c);
                adopted.push(contact);
            }
        }
    }
    adopted
}

/// Whether `count` adopted contacts out of `degree` reach `threshold`. Computed in f64, where
/// threshold × degree is exact for any f32 threshold and degree below 2²⁹, so this is exactly
/// count / degree ≥ threshold.
pub(crate) fn reaches(count: u32, degree: usize, threshold: f32) -> bool {
    count > 0 && f64::from(count) >= f64::from(threshold) * degree as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::SocialModel;
    use crate::contacts::test_support::uniform_keep;
    use crate::streams::StreamKey;
    use proptest::prelude::*;
    use rand::RngExt;

    /// Synchronous rounds: everyone not adopted with at least one adopted contact and share
    /// ≥ threshold adopts at once; repeat until nothing changes. O(people × rounds), obviously
    /// right.
    fn naive_cascade(graph: &ContactGraph, thresholds: &[f32], seeds: &[u32]) -> Vec<bool> {
        let n = graph.people();
        let mut adopted = vec![false; n];
        for &s in seeds {
            adopted[s as usize] = true;
        }
        loop {
            let next: Vec<bool> = (0..n as u32)
                .map(|v| {
                    let count = graph
                        .neighbours(v)
                        .iter()
                        .filter(|&&u| adopted[u as usize])
                        .count() as u32;
                    adopted[v as usize] || reaches(count, graph.degree(v), thresholds[v as usize])
                })
                .collect();
            if next == adopted {
                return adopted;
            }
            adopted = next;
        }
    }

    fn graph_from(people: u32, pairs: &[(u32, u32)]) -> ContactGraph {
        let ties: Vec<(u32, u32)> = pairs
            .iter()
            .map(|&(a, b)| (a % people, b % people))
            .collect();
        ContactGraph::from_ties(people, &ties).expect("ids reduced modulo people")
    }

    proptest! {
        #[test]
        fn frontier_matches_synchronous_rounds(
            people in 1u32..40,
            pairs in proptest::collection::vec((0u32..40, 0u32..40), 0..120),
            thresholds in proptest::collection::vec(0.0f32..=1.0, 40),
            seeds in proptest::collection::vec(0u32..40, 1..4),
        ) {
            let g = graph_from(people, &pairs);
            let thresholds = &thresholds[..people as usize];
            let seeds: Vec<u32> = seeds.iter().map(|s| s % people).collect();
            let mut adopted = vec![false; people as usize];
            let order = threshold_cascade(&g, thresholds, &mut adopted, &seeds);
            prop_assert_eq!(&adopted, &naive_cascade(&g, thresholds, &seeds));
            // The returned order lists exactly the non-seed adopters, once each.
            let mut listed = order.clone();
            listed.sort_unstable();
            listed.dedup();
            prop_assert_eq!(listed.len(), order.len());
            let expected: Vec<u32> = (0..people)
                .filter(|&v| adopted[v as usize] && !seeds.contains(&v))
                .collect();
            prop_assert_eq!(listed, expected);
        }
    }

    proptest! {
        /// A cascade resumed from a second set of seeds, with the counts the first left, ends
        /// where one cascade from both sets at once ends (adoption is monotone).
        #[test]
        fn resumed_cascade_matches_one_cascade(
            people in 1u32..40,
            pairs in proptest::collection::vec((0u32..40, 0u32..40), 0..120),
            thresholds in proptest::collection::vec(0.0f32..=1.0, 40),
            first in proptest::collection::vec(0u32..40, 1..4),
            second in proptest::collection::vec(0u32..40, 1..4),
        ) {
            let g = graph_from(people, &pairs);
            let n = people as usize;
            let nobody = vec![false; n];
            let waiting_for =
                waiting_for(&g, &thresholds[..n], &nobody, |&a| a, AtThreshold::Adopt);
            let run = |batches: &[Vec<u32>]| {
                let mut holders = FixedBitSet::with_capacity(n);
                let mut gained = vec![0u32; n];
                for batch in batches {
                    let seeds: Vec<u32> = batch
                        .iter()
                        .map(|s| s % people)
                        .filter(|&s| !holders.put(s as usize))
                        .collect();
                    spread(&g, &waiting_for, &mut gained, &mut holders, seeds);
                }
                holders
            };
            let both: Vec<u32> = first.iter().chain(&second).copied().collect();
            prop_assert_eq!(run(&[first.clone(), second.clone()]), run(&[both]));
        }
    }

    #[test]
    fn earlier_adopters_count_once() {
        // Star: centre 0 with leaves 1..=4, threshold 0.5 at the centre. Leaves 1 and 2 adopted
        // earlier, 3 is the seed: 3 of 4 contacts ≥ 0.5, so the centre adopts, then the last
        // leaf (threshold 1, its only contact adopted) follows.
        let g = graph_from(5, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
        let thresholds = [0.5, 1.0, 1.0, 1.0, 1.0];
        let mut adopted = vec![false, true, true, false, false];
        assert_eq!(
            threshold_cascade(&g, &thresholds, &mut adopted, &[3]),
            [0, 4]
        );
        assert!(adopted.iter().all(|&a| a));
        // With a threshold just above 3/4 the centre must not adopt.
        let mut adopted = vec![false, true, true, false, false];
        let thresholds = [0.76, 1.0, 1.0, 1.0, 1.0];
        assert!(threshold_cascade(&g, &thresholds, &mut adopted, &[3]).is_empty());
    }

    /// Σ_k k(k−1) ρ_k p_k − z for Poisson(z) degrees, with ρ_k = 1 for 1 ≤ k ≤ ⌊1/φ⌋: the
    /// vulnerable cluster percolates (global cascades are possible) where this is positive.
    fn vulnerable_excess(z: f64, phi: f64) -> f64 {
        let k_max = (1.0 / phi).floor() as u32;
        let mut p_k = (-z).exp();
        let mut sum = 0.0;
        for k in 1..=k_max {
            p_k *= z / f64::from(k);
            sum += f64::from(k * (k - 1)) * p_k;
        }
        sum - z
    }

    /// Root of `vulnerable_excess` between `a` and `b` (which bracket a sign change).
    fn bisect(mut a: f64, mut b: f64, phi: f64) -> f64 {
        let sign_a = vulnerable_excess(a, phi) > 0.0;
        for _ in 0..100 {
            let mid = 0.5 * (a + b);
            if (vulnerable_excess(mid, phi) > 0.0) == sign_a {
                a = mid;
            } else {
                b = mid;
            }
        }
        0.5 * (a + b)
    }

    /// Watts (2002), Fig. 1: with a uniform threshold φ = 0.18 on Erdős–Rényi graphs, global
    /// cascades happen inside the window where the vulnerable cluster percolates and not
    /// outside it.
    ///
    /// Each run seeds 10 random people out of 100 000 (0.01 %). Inside the window a seed
    /// triggers a global cascade when it touches the percolating vulnerable cluster, which at
    /// z = 4 holds most people, so the chance that all 10 seeds miss it is (1 − P)¹⁰ with
    /// P > 1/2: below 0.1 %; we require 9 of 10 runs to be global. Outside the window the
    /// vulnerable people form only finite clusters (and at z = 0.5 the graph itself has none
    /// of giant size), so 10 seeds reach O(10 log n) people: no run may pass 50 %.
    #[test]
    fn global_cascades_only_inside_the_window() {
        let phi = 0.18f32;
        let phi64 = f64::from(phi);
        let (lower, upper) = (bisect(0.5, 3.0, phi64), bisect(3.0, 12.0, phi64));
        assert!(vulnerable_excess(4.0, phi64) > 0.0);
        assert!(0.5 < lower && lower < 4.0 && 4.0 < upper && upper < 12.0);

        let n = 100_000u32;
        let thresholds = vec![phi; n as usize];
        let runs = 10u64;
        let global_runs = |z: f64| {
            let model = SocialModel::ErdosRenyi { mean_degree: z };
            (0..runs)
                .filter(|&run| {
                    let g =
                        ContactGraph::generate(&model, &[0, n], 100 + run).expect("valid model");
                    let mut rng = StreamKey::root(run).stream();
                    let seeds: Vec<u32> = (0..10).map(|_| rng.random_range(0..n)).collect();
                    let mut adopted = vec![false; n as usize];
                    threshold_cascade(&g, &thresholds, &mut adopted, &seeds);
                    let share = adopted.iter().filter(|&&a| a).count() as f64 / f64::from(n);
                    share > 0.5
                })
                .count() as u64
        };
        assert!(
            global_runs(4.0) >= runs - 1,
            "too few global cascades at z = 4"
        );
        assert_eq!(global_runs(12.0), 0, "global cascade above the window");
        assert_eq!(global_runs(0.5), 0, "global cascade below the window");
    }

    /// The frontier never looks at people far from the cascade: a cascade confined to one
    /// small component leaves the rest of a large population untouched and returns at once.
    #[test]
    fn local_cascade_on_large_population() {
        let n = 1_000_000u32;
        let g = graph_from(n, &[(0, 1), (1, 2)]);
        let thresholds = vec![0.5f32; n as usize];
        let mut adopted = uniform_keep(n, 0.0, 1);
        assert_eq!(
            threshold_cascade(&g, &thresholds, &mut adopted, &[0]),
            [1, 2]
        );
    }
}
