//! The world stage: what a run holds fixed across replications, built once from the scenario and
//! the seed — the dependency graph in dependency order, the people with their platform sets, and
//! the classes of people who are alike for each service.

mod classes;
mod people;

pub use classes::ServiceClass;
pub use people::People;

use petgraph::graph::DiGraph;

use crate::scenario::{Layer, Requirement, Scenario};

/// Everything a replication reads and nobody writes.
#[derive(Debug)]
pub struct World {
    pub scenario: Scenario,
    /// Edges point from a node to what depends on it (`dc → kakaotalk`).
    pub graph: DiGraph<usize, DependencyKind>,
    /// Node indices, each after everything it depends on.
    pub dependency_order: Vec<usize>,
    /// For each node index, its platform bit in a person's platform set (platforms only).
    pub platform_bit: Vec<Option<u32>>,
    pub people: People,
    /// For each service, the classes of agents who have the same channels open.
    pub service_classes: Vec<Vec<ServiceClass>>,
}

/// How a node depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyKind {
    Required,
    /// Member of the redundancy group with this position in `depends_on`.
    Redundant {
        group: usize,
    },
}

impl World {
    /// Builds the world: draws every agent's platforms from the seed and groups the agents.
    ///
    /// # Complexity
    /// O(agents × adoption rules), in parallel; memory 8 bytes per agent.
    pub fn build(scenario: Scenario) -> World {
        let mut graph = DiGraph::new();
        let handles: Vec<_> = (0..scenario.nodes.len())
            .map(|i| graph.add_node(i))
            .collect();
        for (index, node) in scenario.nodes.iter().enumerate() {
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
        let dependency_order = dependency_order(&scenario);
        let mut platform_bit = vec![None; scenario.nodes.len()];
        for (bit, index) in scenario.platform_nodes().enumerate() {
            platform_bit[index] = Some(bit as u32);
        }
        let people = People::draw(&scenario, &platform_bit);
        let service_classes = scenario
            .services
            .iter()
            .map(|service| classes::group(&people, service, &platform_bit, scenario.segments.len()))
            .collect();
        World {
            scenario,
            graph,
            dependency_order,
            platform_bit,
            people,
            service_classes,
        }
    }

    pub fn is_platform(&self, node: usize) -> bool {
        self.scenario.nodes[node].layer == Layer::Platform
    }
}

/// Depth-first order with dependencies first. Validation has refused cycles, so every node is
/// placed once.
fn dependency_order(scenario: &Scenario) -> Vec<usize> {
    fn visit(node: usize, scenario: &Scenario, placed: &mut [bool], order: &mut Vec<usize>) {
        if placed[node] {
            return;
        }
        placed[node] = true;
        for requirement in &scenario.nodes[node].requires {
            match requirement {
                Requirement::Node(dep) => visit(*dep, scenario, placed, order),
                Requirement::Group(group) => {
                    for member in &group.members {
                        visit(*member, scenario, placed, order);
                    }
                }
            }
        }
        order.push(node);
    }
    let mut placed = vec![false; scenario.nodes.len()];
    let mut order = Vec::with_capacity(scenario.nodes.len());
    for node in 0..scenario.nodes.len() {
        visit(node, scenario, &mut placed, &mut order);
    }
    order
}
