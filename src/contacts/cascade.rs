//! The fractional-threshold cascade of Watts (2002), "A simple model of global cascades on
//! random networks", run as a frontier cascade on the contact graph.
//!
//! A person adopts once the share of their contacts who have adopted reaches their threshold.
//! Only the contacts of someone who just adopted are re-examined, so a cascade costs O(ties it
//! reaches), not O(people × rounds). Adoption is monotone, so the final set does not depend on
//! the order in which the frontier is processed; it equals that of synchronous rounds.

use std::collections::VecDeque;

use super::ContactGraph;

/// Fractional-threshold cascade (Watts 2002), run as a frontier cascade: a person adopts as soon
/// as the share of their contacts who have adopted reaches their threshold
/// (`adopted contacts ≥ threshold × degree`). `adopted` is updated in place; starts from the
/// people in `seeds` (marked adopted here if they are not already). Touches a person only when
/// one of their contacts changes, so a whole cascade costs O(ties).
///
/// Returns the people who adopted during the cascade, in adoption order; the seeds themselves
/// are not listed.
///
/// `adopted` may hold earlier adopters (they count towards their contacts' shares), but it is
/// assumed stable apart from the seeds: people are only examined when a seed or a new adopter is
/// among their contacts. A person with no adopted contact never adopts, whatever their threshold.
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

    // Per person: 0 = not yet examined, QUEUED = will adopt, otherwise 1 + the number of
    // adopted contacts. Zero-initialised memory is handed out lazily by the allocator, so only
    // the pages of people the cascade reaches are ever touched.
    const UNSEEN: u32 = 0;
    const QUEUED: u32 = u32::MAX;
    let mut state = vec![UNSEEN; n];
    let mut frontier = VecDeque::new();

    // A person's count is taken by scanning their row the first time a contact of theirs
    // changes; from then on each new adopter increments it. Adopters are marked in `adopted`
    // only when they are processed (their increments are sent), so the scan and the increments
    // never count the same contact twice.
    let examine = |w: u32, adopted: &[bool], state: &mut [u32], frontier: &mut VecDeque<u32>| {
        let slot = &mut state[w as usize];
        *slot = match *slot {
            QUEUED => return,
            UNSEEN => {
                1 + graph
                    .neighbours(w)
                    .iter()
                    .filter(|&&u| adopted[u as usize])
                    .count() as u32
            }
            count => count + 1,
        };
        if reaches(*slot - 1, graph.degree(w), thresholds[w as usize]) {
            *slot = QUEUED;
            frontier.push_back(w);
        }
    };

    // Seeds are marked first, so the first scan of any of their contacts already counts every
    // seed; their own processing therefore only triggers scans, never increments.
    for &s in seeds {
        adopted[s as usize] = true;
    }
    for &s in seeds {
        for &w in graph.neighbours(s) {
            if !adopted[w as usize] && state[w as usize] == UNSEEN {
                examine(w, adopted, &mut state, &mut frontier);
            }
        }
    }

    let mut order = Vec::new();
    while let Some(v) = frontier.pop_front() {
        adopted[v as usize] = true;
        order.push(v);
        for &w in graph.neighbours(v) {
            if !adopted[w as usize] {
                examine(w, adopted, &mut state, &mut frontier);
            }
        }
    }
    order
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
    use crate::contacts::test_support::uniform_keep;
    use crate::contacts::{SocialModel, rng};
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

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
                    let mut rng = Xoshiro256PlusPlus::seed_from_u64(rng::splitmix64(run));
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
