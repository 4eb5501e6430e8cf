//! Policy questions on top of the engine: variants compared on common random numbers
//! ([`compare`]), one-at-a-time and Latin-hypercube sweeps of scenario paths ([`sweep`]), and
//! single points of failure with concentration indices ([`rank`], [`concentration`]).
//!
//! Common random numbers cost nothing here: every random stream is keyed by (seed, replication,
//! domain, id), so two scenarios run with the same seed share their events and draws wherever
//! they are the same, and the difference per replication has a small variance.

pub mod compare;
pub mod concentration;
mod error;
pub mod lhs;
pub mod paired;
pub mod rank;
pub mod sweep;

pub use error::PolicyError;

use crate::engine::{self, Observer, RunConfig};
use crate::observe::BuildObserver;
use crate::results::metrics;
use crate::scenario::Scenario;
use crate::world::World;

/// Told as a study builds its worlds (one per variant, point or node) and runs their
/// replications.
pub trait Progress: Observer + BuildObserver {}

impl<T: Observer + BuildObserver> Progress for T {}

/// Metric values of one run: `values[replication][metric]`, metrics in the order of `names`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub names: Vec<String>,
    pub values: Vec<Vec<f64>>,
}

impl Sample {
    /// Runs every replication of `world` and keeps the metric values.
    pub fn of(world: &World, observer: &dyn Observer) -> Sample {
        let scenario = &world.scenario;
        let outcomes = engine::run(
            world,
            &RunConfig {
                first_replication: 0,
                replications: scenario.run.replications,
            },
            observer,
        );
        Sample {
            names: metrics::names(scenario),
            values: outcomes
                .iter()
                .map(|o| metrics::values(scenario, o))
                .collect(),
        }
    }

    /// Builds the world of `scenario` and runs it.
    ///
    /// # Errors
    /// [`PolicyError::World`] when the contact graph asked for cannot be drawn.
    pub fn run(scenario: Scenario, progress: &dyn Progress) -> Result<Sample, PolicyError> {
        Ok(Sample::of(
            &World::build_observed(scenario, progress)?,
            progress,
        ))
    }

    /// One metric across replications, or `None` if the run does not have it.
    pub fn column(&self, metric: &str) -> Option<Vec<f64>> {
        let index = self.names.iter().position(|n| n == metric)?;
        Some(self.values.iter().map(|row| row[index]).collect())
    }
}
