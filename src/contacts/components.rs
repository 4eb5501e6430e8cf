//! Connected components under a tie predicate: the share of people in the largest component
//! when only some ties work (site or bond percolation on the contact graph).
//!
//! Uses a concurrent union–find over atomics so that country-sized graphs are processed on all
//! cores. Roots are only ever linked to a smaller id, so the forest stays acyclic whatever the
//! interleaving, and component sizes (hence the result) do not depend on thread timing.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::ContactGraph;

/// People per parallel task; each task walks their rows.
const PEOPLE_BLOCK: usize = 1 << 12;

/// Share of all people in the largest connected component of the subgraph of ties for which
/// `tie_works(a, b)` is true (union–find; isolated people are components of size 1).
///
/// `tie_works` is asked once per undirected tie, with `a < b`. Returns 0 for an empty graph.
pub fn largest_component_share(
    graph: &ContactGraph,
    tie_works: impl Fn(u32, u32) -> bool + Sync,
) -> f64 {
    let n = graph.people();
    if n == 0 {
        return 0.0;
    }
    let parent: Vec<AtomicU32> = (0..n as u32).into_par_iter().map(AtomicU32::new).collect();
    (0..n as u32)
        .into_par_iter()
        .with_min_len(PEOPLE_BLOCK)
        .for_each(|a| {
            for &b in graph.neighbours(a) {
                if b > a && tie_works(a, b) {
                    union(&parent, a, b);
                }
            }
        });
    let roots: Vec<u32> = (0..n as u32)
        .into_par_iter()
        .map(|v| find(&parent, v))
        .collect();
    let mut sizes = vec![0u32; n];
    for r in roots {
        sizes[r as usize] += 1;
    }
    let largest = sizes.iter().copied().max().unwrap_or(0);
    f64::from(largest) / n as f64
}

/// Root of `x`, halving the path on the way (each visited node is pointed at its grandparent,
/// which is still an ancestor, so concurrent finds and unions stay correct).
fn find(parent: &[AtomicU32], mut x: u32) -> u32 {
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

/// Merges the components of `a` and `b`: the larger root id is linked under the smaller one,
/// retrying if another thread linked that root meanwhile.
fn union(parent: &[AtomicU32], a: u32, b: u32) {
    loop {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra == rb {
            return;
        }
        let (high, low) = if ra > rb { (ra, rb) } else { (rb, ra) };
        if parent[high as usize]
            .compare_exchange(high, low, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn only_isolated_people_and_empty_graph() {
        assert_eq!(largest_component_share(&graph(4, &[]), |_, _| true), 0.25);
        assert_eq!(largest_component_share(&graph(0, &[]), |_, _| true), 0.0);
    }
}
