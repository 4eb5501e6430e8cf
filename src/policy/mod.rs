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
pub mod sensitivity;
pub mod sweep;

pub use error::PolicyError;

pub use crate::simulation::Progress;

use crate::engine::ReplicationOutcome;
use crate::results::metrics;
use crate::scenario::Scenario;
use crate::simulation::simulate;

/// Metric values of one run: `values[replication][metric]`, metrics in the order of `names`
/// (both taken from one list of the scenario's columns, so they cannot disagree).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The metric names, in the order of `replications.csv`'s columns.
    pub names: Vec<String>,
    /// Per replication, one value per name.
    pub values: Vec<Vec<f64>>,
}

impl Sample {
    /// The metric values of the `outcomes` of a run of `scenario`.
    pub fn of(scenario: &Scenario, outcomes: &[ReplicationOutcome]) -> Sample {
        let columns = metrics::columns(scenario);
        Sample {
            values: outcomes
                .iter()
                .map(|o| columns.iter().map(|c| c.value(scenario, o)).collect())
                .collect(),
            names: columns.into_iter().map(|c| c.name).collect(),
        }
    }

    /// Builds the world of `scenario`, runs it and keeps the metric values (the world is
    /// dropped).
    ///
    /// # Errors
    /// [`PolicyError::World`] when the contact graph asked for cannot be drawn.
    pub fn run(scenario: Scenario, progress: &dyn Progress) -> Result<Sample, PolicyError> {
        let simulated = simulate(scenario, progress)?;
        Ok(Sample::of(&simulated.world.scenario, &simulated.outcomes))
    }

    /// One metric across replications, or `None` if the run does not have it.
    pub fn column(&self, metric: &str) -> Option<Vec<f64>> {
        let index = self.names.iter().position(|n| n == metric)?;
        Some(self.values.iter().map(|row| row[index]).collect())
    }
}
