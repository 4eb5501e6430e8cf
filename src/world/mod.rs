//! The world stage: what a run holds fixed across replications, built once from the scenario and
//! the seed — the people with their platform sets, their contacts, and the classes of people who
//! are alike for each service. (The dependency graph and its order come with the scenario.)

mod classes;
pub mod memory;
mod pairwise;
mod people;
mod readopt;

pub use classes::{ServiceClass, pairwise_classes};
pub use pairwise::Pairwise;
pub use people::People;

use rand::RngExt;
use rayon::prelude::*;

use crate::contacts::{ContactGraph, ContactsError};
use crate::observe::{BuildObserver, Silent, Stage};
use crate::scenario::{Layer, Scenario};
use crate::streams::{Domain, StreamKey, stream};

/// Why a world cannot be built from a checked scenario: the contact graph asked for does not
/// fit the agents. The scenario stage checks exactly what the generator does, so this is an
/// internal failure, not something a user's input can cause.
#[derive(Debug, thiserror::Error)]
#[error("{file}: [social]: the contact graph cannot be drawn, though the scenario was checked")]
pub struct WorldError {
    /// The scenario file.
    pub file: String,
    /// What the generator refused.
    #[source]
    pub source: ContactsError,
}

/// Everything a replication reads and nobody writes.
#[derive(Debug)]
pub struct World {
    /// The checked scenario the world was built from.
    pub scenario: Scenario,
    /// For each node index, its platform bit in a person's platform set (platforms only).
    pub platform_bit: Vec<Option<u32>>,
    /// The agents and the platforms each holds.
    pub people: People,
    /// For each service, the classes of needs that have the same channels open.
    pub service_classes: Vec<Vec<ServiceClass>>,
    /// Who knows whom, when the scenario has `[social]`.
    pub contacts: Option<ContactGraph>,
    /// For each service, when it is pairwise and there are contacts: who holds which of its
    /// platform channels, and who normally reaches whom.
    pub pairwise: Vec<Option<Pairwise>>,
    /// For each switching rule with a threshold, each agent's fractional threshold.
    pub thresholds: Vec<Option<Vec<f32>>>,
}

impl World {
    /// Builds the world: draws every agent's platforms and contacts from the seed and groups the
    /// agents.
    ///
    /// # Errors
    /// [`WorldError`] when the contact graph asked for cannot be drawn on this many agents.
    ///
    /// # Complexity
    /// O(agents × adoption rules + ties), in parallel; memory 8 bytes per agent, plus 4 bytes per
    /// tie end and 8 per agent for contacts, and 2 bytes per agent for each pairwise service
    /// (see `world::memory` for the whole run).
    pub fn build(scenario: Scenario) -> Result<World, WorldError> {
        Self::build_observed(scenario, &Silent)
    }

    /// [`World::build`], telling `observer` how far each stage has got.
    ///
    /// # Errors
    /// [`WorldError`] when the contact graph asked for cannot be drawn on this many agents.
    pub fn build_observed(
        scenario: Scenario,
        observer: &dyn BuildObserver,
    ) -> Result<World, WorldError> {
        let mut platform_bit = vec![None; scenario.nodes.len()];
        for (bit, index) in scenario.platform_nodes().enumerate() {
            platform_bit[index] = Some(bit as u32);
        }
        let people = People::draw(&scenario, &platform_bit, observer);
        let contacts = match &scenario.social {
            None => None,
            Some(social) => {
                let model = social.model();
                let starts: Vec<u32> = people
                    .segment_starts
                    .iter()
                    .map(|&s| u32::try_from(s).unwrap_or(u32::MAX))
                    .collect();
                let seed = stream(scenario.run.seed, 0, Domain::Contacts, 0).random::<u64>();
                Some(
                    ContactGraph::generate_observed(&model, &starts, seed, observer).map_err(
                        |source| WorldError {
                            file: scenario.file.clone(),
                            source,
                        },
                    )?,
                )
            }
        };
        let thresholds = thresholds(&scenario, people.count());
        Ok(Self::assemble(
            scenario,
            platform_bit,
            people,
            contacts,
            thresholds,
            observer,
        ))
    }

    /// The world from its drawn parts: each pairwise service's sets and census over the ties,
    /// and every service's classes, both read from who holds which platform.
    fn assemble(
        scenario: Scenario,
        platform_bit: Vec<Option<u32>>,
        people: People,
        contacts: Option<ContactGraph>,
        thresholds: Vec<Option<Vec<f32>>>,
        observer: &dyn BuildObserver,
    ) -> World {
        observer.stage(
            Stage::Classes,
            people.count() as u64 * scenario.services.len() as u64,
        );
        let pairwise: Vec<Option<Pairwise>> = scenario
            .services
            .iter()
            .map(|service| {
                let graph = contacts.as_ref().filter(|_| service.pairwise)?;
                Some(Pairwise::build(
                    service,
                    &platform_bit,
                    &people,
                    graph,
                    observer,
                ))
            })
            .collect();
        let service_classes = scenario
            .services
            .iter()
            .zip(&pairwise)
            .map(|(service, pairwise)| {
                classes::group(
                    &people,
                    service,
                    &platform_bit,
                    scenario.segments.len(),
                    pairwise.as_ref(),
                    observer,
                )
            })
            .collect();
        World {
            scenario,
            platform_bit,
            people,
            service_classes,
            contacts,
            pairwise,
            thresholds,
        }
    }

    /// Whether node `node` is a platform (not infrastructure).
    pub fn is_platform(&self, node: usize) -> bool {
        self.scenario.nodes[node].layer == Layer::Platform
    }
}

/// For each switching rule with a threshold, each agent's fractional threshold, drawn in chunks
/// of 2^16 agents from streams keyed by the rule's platform and the chunk.
fn thresholds(scenario: &Scenario, agents: usize) -> Vec<Option<Vec<f32>>> {
    scenario
        .switching
        .iter()
        .map(|rule| {
            rule.threshold.as_ref().map(|distribution| {
                let mut thresholds = vec![0.0f32; agents];
                thresholds
                    .par_chunks_mut(1 << 16)
                    .enumerate()
                    .for_each(|(chunk, values)| {
                        let mut rng = StreamKey::new(scenario.run.seed, 0, Domain::Thresholds)
                            .then_id(&scenario.nodes[rule.platform].id)
                            .then(chunk as u64)
                            .stream();
                        for value in values {
                            *value = distribution.sample(&mut rng) as f32;
                        }
                    });
                thresholds
            })
        })
        .collect()
}
