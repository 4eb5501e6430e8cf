//! The dependency graph, built once when the scenario is checked: its edges (for `graph`,
//! `check` and the report), its cycle check and the order every later stage walks nodes in.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use super::model::{Node, Requirement};

/// How a node depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyKind {
    Required,
    /// Member of the redundancy group at this position in `depends_on`.
    Redundant {
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
    /// The graph of `nodes`' requirements in dependency order, or a cycle: node indices in
    /// "depends on" order, the first repeated at the end (`[app, dc, app]`: app depends on dc,
    /// which depends on app).
    ///
    /// # Complexity
    /// O(nodes + edges).
    pub(super) fn build(nodes: &[Node]) -> Result<DependencyGraph, Vec<usize>> {
        let mut graph = DiGraph::with_capacity(nodes.len(), nodes.len());
        let handles: Vec<NodeIndex> = (0..nodes.len()).map(|i| graph.add_node(i)).collect();
        for (index, node) in nodes.iter().enumerate() {
            for (position, requirement) in node.requires.iter().enumerate() {
                match requirement {
                    Requirement::Node(dep) => {
                        graph.add_edge(handles[*dep], handles[index], DependencyKind::Required);
                    }
                    Requirement::Group(group) => {
                        for member in &group.members {
                            graph.add_edge(
                                handles[*member],
                                handles[index],
                                DependencyKind::Redundant { group: position },
                            );
                        }
                    }
                }
            }
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
    use crate::scenario::distribution::Distribution;
    use crate::scenario::model::Layer;

    fn node(requires: Vec<usize>) -> Node {
        Node {
            id: String::new(),
            name: String::new(),
            kind: String::new(),
            owner: String::new(),
            layer: Layer::Platform,
            requires: requires.into_iter().map(Requirement::Node).collect(),
            restore_hours: Distribution::Fixed(0.0),
            ramp_hours: Distribution::Fixed(0.0),
            installable: false,
        }
    }

    #[test]
    fn order_puts_dependencies_first() {
        let nodes = vec![node(vec![1, 2]), node(vec![2]), node(vec![])];
        let graph = DependencyGraph::build(&nodes).unwrap_or_else(|c| panic!("cycle {c:?}"));
        let place = |n: usize| graph.order().iter().position(|&m| m == n);
        assert!(place(2) < place(1) && place(1) < place(0));
        assert_eq!(graph.edge_count(), 3);
    }

    #[test]
    fn cycles_are_named_in_depends_on_order() {
        // 0 → 1 → 2 → 0 (0 depends on 1, 1 on 2, 2 on 0); 3 depends on 0.
        let nodes = vec![node(vec![1]), node(vec![2]), node(vec![0]), node(vec![0])];
        let cycle = DependencyGraph::build(&nodes)
            .err()
            .unwrap_or_else(|| panic!("a cycle"));
        assert_eq!(cycle.len(), 4);
        assert_eq!(cycle.first(), cycle.last());
        for pair in cycle.windows(2) {
            assert!(
                nodes[pair[0]]
                    .requires
                    .iter()
                    .any(|r| matches!(r, Requirement::Node(d) if *d == pair[1])),
                "{cycle:?}: {} does not depend on {}",
                pair[0],
                pair[1]
            );
        }
        let alone = vec![node(vec![0])];
        assert_eq!(DependencyGraph::build(&alone).err(), Some(vec![0, 0]));
    }
}
