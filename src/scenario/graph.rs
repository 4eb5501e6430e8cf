//! The dependency graph, built once when the scenario is checked: its edges (for `graph`,
//! `check` and the report), its cycle check and the order every later stage walks nodes in.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

/// How a node depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyKind {
    /// A plain requirement: the dependant is down while it is down.
    Required,
    /// Member of the redundancy group at this position in `depends_on`.
    Redundant {
        /// The group's position in `depends_on`.
        group: usize,
    },
}

/// Nodes (weights: node indices) with edges from a node to what depends on it (`dc → app`).
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    graph: DiGraph<usize, DependencyKind>,
    order: Vec<usize>,
}

impl DependencyGraph {
    /// The graph of `nodes` nodes whose `edges` run from a dependency to its dependant, with
    /// the dependency order; or a cycle: node indices in "depends on" order, the first repeated
    /// at the end (`[app, dc, app]`: app depends on dc, which depends on app).
    ///
    /// # Complexity
    /// O(nodes + edges).
    pub(super) fn build(
        nodes: usize,
        edges: impl IntoIterator<Item = (usize, usize, DependencyKind)>,
    ) -> Result<DependencyGraph, Vec<usize>> {
        let mut graph = DiGraph::with_capacity(nodes, nodes);
        let handles: Vec<NodeIndex> = (0..nodes).map(|i| graph.add_node(i)).collect();
        for (dependency, dependant, kind) in edges {
            graph.add_edge(handles[dependency], handles[dependant], kind);
        }
        match toposort(&graph, None) {
            Ok(order) => Ok(DependencyGraph {
                order: order.into_iter().map(|n| graph[n]).collect(),
                graph,
            }),
            Err(cycle) => Err(cycle_through(&graph, cycle.node_id())),
        }
    }

    /// Node indices, each after everything it depends on.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The number of dependency edges (a redundancy group counts one per member).
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The graph itself: node weights are node indices, edges point from a node to what
    /// depends on it.
    pub fn graph(&self) -> &DiGraph<usize, DependencyKind> {
        &self.graph
    }
}

/// The shortest cycle through `start`, followed along "depends on" (against the edges).
fn cycle_through(graph: &DiGraph<usize, DependencyKind>, start: NodeIndex) -> Vec<usize> {
    let mut previous: Vec<Option<NodeIndex>> = vec![None; graph.node_count()];
    let mut queue = VecDeque::from([start]);
    while let Some(current) = queue.pop_front() {
        for next in graph.neighbors_directed(current, Direction::Incoming) {
            if next == start {
                let mut path = vec![graph[start]];
                let mut at = current;
                while at != start {
                    path.push(graph[at]);
                    at = previous[at.index()].unwrap_or(start);
                }
                // `path` runs back from the last step; put it in "depends on" order.
                path[1..].reverse();
                path.push(graph[start]);
                return path;
            }
            if previous[next.index()].is_none() {
                previous[next.index()] = Some(current);
                queue.push_back(next);
            }
        }
    }
    vec![graph[start], graph[start]]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edges for "node i depends on each of `requires[i]`".
    fn edges(requires: &[&[usize]]) -> Vec<(usize, usize, DependencyKind)> {
        requires
            .iter()
            .enumerate()
            .flat_map(|(node, deps)| {
                deps.iter()
                    .map(move |&dep| (dep, node, DependencyKind::Required))
            })
            .collect()
    }

    #[test]
    fn order_puts_dependencies_first() {
        let requires: &[&[usize]] = &[&[1, 2], &[2], &[]];
        let graph =
            DependencyGraph::build(3, edges(requires)).unwrap_or_else(|c| panic!("cycle {c:?}"));
        let place = |n: usize| graph.order().iter().position(|&m| m == n);
        assert!(place(2) < place(1) && place(1) < place(0));
        assert_eq!(graph.edge_count(), 3);
    }

    #[test]
    fn cycles_are_named_in_depends_on_order() {
        // 0 → 1 → 2 → 0 (0 depends on 1, 1 on 2, 2 on 0); 3 depends on 0.
        let requires: &[&[usize]] = &[&[1], &[2], &[0], &[0]];
        let cycle = DependencyGraph::build(4, edges(requires))
            .err()
            .unwrap_or_else(|| panic!("a cycle"));
        assert_eq!(cycle.len(), 4);
        assert_eq!(cycle.first(), cycle.last());
        for pair in cycle.windows(2) {
            assert!(
                requires[pair[0]].contains(&pair[1]),
                "{cycle:?}: {} does not depend on {}",
                pair[0],
                pair[1]
            );
        }
        let alone: &[&[usize]] = &[&[0]];
        assert_eq!(
            DependencyGraph::build(1, edges(alone)).err(),
            Some(vec![0, 0])
        );
    }
}
