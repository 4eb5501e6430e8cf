//! Connected components under a tie predicate: the share of people in the largest component
//! when only some ties work (site or bond percolation on the contact graph).
//!
//! A concurrent union–find over atomics processes country-sized graphs on all cores. Roots are
//! only ever linked to a smaller id, so the forest stays acyclic whatever the interleaving, and
//! component sizes (hence the result) do not depend on thread timing.
//!
//! The ties are linked in the order of Afforest (Sutton, Ben-Nun & Barak 2018): first each
//! person's first two working ties only, which already joins almost everyone of a giant
//! component; then every tie of the people still outside the largest component found so far.
//! A tie between the giant component and someone outside it is in both people's rows, so it is
//! linked from the outsider's side, and the result is exact. On a whole country (51.7 M people,
//! 517 M ties) this links about a fifth of the ties instead of all of them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::ContactGraph;
use crate::{agent_set, locality};

/// People per parallel task; each task walks their rows.
const PEOPLE_BLOCK: usize = 1 << 12;
/// Working ties per person linked before looking for the giant component.
const FIRST_TIES: usize = 2;
/// People per parallel task when counting component sizes.
const COUNT_BLOCK: usize = 1 << 16;
/// People looked at to find the root of the giant component.
const SAMPLES: usize = 1024;

/// Share of all people in the largest connected component of the subgraph of ties for which
/// `tie_works(a, b)` is true (isolated people are components of size 1).
///
/// `tie_works` must be symmetric in the tie: it is asked with `a < b`, possibly more than once
/// per tie. Returns 0 for an empty graph.
///
/// # Complexity
/// O(people + ties) in parallel; 4 bytes and a bit per person.
pub fn largest_component_share(
    graph: &ContactGraph,
    tie_works: impl Fn(u32, u32) -> bool + Sync,
) -> f64 {
    largest_component_share_among(graph, |_| true, tie_works)
}

/// [`largest_component_share`] when only the people for whom `may_have_ties` is true can have
/// a working tie: everyone else's row is skipped (they are alone). `may_have_ties(v)` may be
/// false only for people none of whose ties work.
pub(crate) fn largest_component_share_among(
    graph: &ContactGraph,
    may_have_ties: impl Fn(u32) -> bool + Sync,
    tie_works: impl Fn(u32, u32) -> bool + Sync,
) -> f64 {
    let n = graph.people();
    if n == 0 {
        return 0.0;
    }
    let works = |a: u32, b: u32| tie_works(a.min(b), a.max(b));
    let forest = Forest::new(n);
    let each_active = |visit: &(dyn Fn(u32, &[u32]) + Sync)| {
        (0..n as u32)
            .into_par_iter()
            .with_min_len(PEOPLE_BLOCK)
            .filter(|&v| may_have_ties(v))
            .for_each(|v| visit(v, graph.neighbours(v)));
    };
    each_active(&|v, row| {
        for &w in row.iter().filter(|&&w| works(v, w)).take(FIRST_TIES) {
            forest.union(v, w);
        }
    });
    // The most common root among people spread evenly over the population: the giant
    // component's, if there is one. Its members, as of now, may be skipped: they are already
    // linked, and a tie from one of them to anyone outside is linked from the other side.
    // (Testing the root itself instead would stop skipping anyone once the giant component
    // took a root of smaller id.)
    let root = forest.most_common_root((0..SAMPLES).map(|i| (i * n / SAMPLES) as u32));
    let giant = agent_set::collect(n, COUNT_BLOCK, |v| forest.find(v as u32) == root);
    each_active(&|v, row| {
        if !giant.contains(v as usize) {
            for &w in row.iter().filter(|&&w| works(v, w)) {
                forest.union(v, w);
            }
        }
    });
    f64::from(forest.largest()) / n as f64
}

/// A union–find forest over people, linked concurrently.
struct Forest {
    parent: Vec<AtomicU32>,
}

impl Forest {
    fn new(n: usize) -> Forest {
        Forest {
            parent: locality::filled(n, |v| AtomicU32::new(v as u32)),
        }
    }

    /// Root of `x`, halving the path on the way (each visited node is pointed at its
    /// grandparent, which is still an ancestor, so concurrent finds and unions stay correct).
    fn find(&self, mut x: u32) -> u32 {
        let parent = &self.parent;
        loop {
            let p = parent[x as usize].load(Ordering::Acquire);
            if p == x {
                return x;
            }
            let grandparent = parent[p as usize].load(Ordering::Acquire);
            if grandparent != p {
                // Losing this race only means the path is not shortened this time.
                let _ = parent[x as usize].compare_exchange_weak(
                    p,
                    grandparent,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
            }
            x = grandparent;
        }
    }

    /// Merges the components of `a` and `b`: the larger root id is linked under the smaller
    /// one, retrying if another thread linked that root meanwhile.
    fn union(&self, a: u32, b: u32) {
        loop {
            let (ra, rb) = (self.find(a), self.find(b));
            if ra == rb {
                return;
            }
            let (high, low) = if ra > rb { (ra, rb) } else { (rb, ra) };
            if self.parent[high as usize]
                .compare_exchange(high, low, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return;
            }
        }
    }

    /// The root that most of `people` share (the smallest such root on a tie).
    fn most_common_root(&self, people: impl Iterator<Item = u32>) -> u32 {
        let mut roots: Vec<u32> = people.map(|v| self.find(v)).collect();
        roots.sort_unstable();
        let mut best = (0, roots.first().copied().unwrap_or(0));
        for run in roots.chunk_by(|a, b| a == b) {
            if run.len() > best.0 {
                best = (run.len(), run[0]);
            }
        }
        best.1
    }

    /// The size of the largest component.
    fn largest(&self) -> u32 {
        let n = self.parent.len() as u32;
        // Each block counts, per root, the people under it (a root counts itself at the end),
        // then the blocks' counts are added up. In a giant component most people of a block
        // share one root, hence the one-entry cache before the map; people alone are roots
        // with nobody under them and never enter it. Counting into one shared array instead
        // would make every thread fight over the giant root's counter.
        let blocks: Vec<HashMap<u32, u32>> = (0..n)
            .into_par_iter()
            .step_by(COUNT_BLOCK)
            .map(|first| {
                let mut below: HashMap<u32, u32> = HashMap::new();
                let mut last = (u32::MAX, 0u32);
                for v in first..first.saturating_add(COUNT_BLOCK as u32).min(n) {
                    if self.parent[v as usize].load(Ordering::Relaxed) == v {
                        continue;
                    }
                    let root = self.find(v);
                    if root != last.0 {
                        if last.1 > 0 {
                            *below.entry(last.0).or_default() += last.1;
                        }
                        last = (root, 0);
                    }
                    last.1 += 1;
                }
                if last.1 > 0 {
                    *below.entry(last.0).or_default() += last.1;
                }
                below
            })
            .collect();
        let mut below: HashMap<u32, u32> = HashMap::new();
        for block in blocks {
            for (root, count) in block {
                *below.entry(root).or_default() += count;
            }
        }
        1 + below.into_values().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::test_support::largest_by_search;
    use proptest::prelude::*;

    fn graph(people: u32, ties: &[(u32, u32)]) -> ContactGraph {
        ContactGraph::from_ties(people, ties).expect("ids are in range")
    }

    #[test]
    fn path_is_one_component() {
        let g = graph(5, &[(0, 1), (1, 2), (2, 3), (3, 4)]);
        assert_eq!(largest_component_share(&g, |_, _| true), 1.0);
        // Cutting the middle tie leaves 0-1-2 and 3-4.
        assert_eq!(
            largest_component_share(&g, |a, b| (a, b) != (2, 3)),
            3.0 / 5.0
        );
        assert_eq!(largest_component_share(&g, |_, _| false), 1.0 / 5.0);
    }

    #[test]
    fn two_triangles_and_isolated_people() {
        let g = graph(8, &[(0, 1), (1, 2), (2, 0), (4, 5), (5, 6), (6, 4)]);
        assert_eq!(largest_component_share(&g, |_, _| true), 3.0 / 8.0);
        // Joining the triangles through person 3 makes one component of 7.
        let g = graph(
            8,
            &[
                (0, 1),
                (1, 2),
                (2, 0),
                (4, 5),
                (5, 6),
                (6, 4),
                (2, 3),
                (3, 4),
            ],
        );
        assert_eq!(largest_component_share(&g, |_, _| true), 7.0 / 8.0);
        // Site percolation: person 3 offline splits them again.
        assert_eq!(
            largest_component_share(&g, |a, b| a != 3 && b != 3),
            3.0 / 8.0
        );
        assert_eq!(
            largest_component_share_among(&g, |v| v != 3, |a, b| a != 3 && b != 3),
            3.0 / 8.0
        );
    }

    #[test]
    fn only_isolated_people_and_empty_graph() {
        assert_eq!(largest_component_share(&graph(4, &[]), |_, _| true), 0.25);
        assert_eq!(largest_component_share(&graph(0, &[]), |_, _| true), 0.0);
    }

    proptest! {
        /// Whatever the graph and whichever ties work, the first-two-ties shortcut gives the
        /// same largest component as a plain search.
        #[test]
        fn matches_breadth_first_search(
            people in 1u32..60,
            pairs in proptest::collection::vec((0u32..60, 0u32..60), 0..200),
            cut in proptest::collection::vec(0u32..60, 0..20),
        ) {
            let ties: Vec<(u32, u32)> =
                pairs.iter().map(|&(a, b)| (a % people, b % people)).collect();
            let g = graph(people, &ties);
            let works = |a: u32, b: u32| !cut.contains(&((a * 7 + b) % 60));
            let expected = largest_by_search(&g, works) as f64 / f64::from(people);
            prop_assert_eq!(largest_component_share(&g, works), expected);
        }
    }
}
