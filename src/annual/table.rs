//! The event-loss table: for each rated event, `rows` occurrences simulated as replications of
//! the scenario with that event alone, each with its own draws, and every additive metric of
//! each. Years are then sampled from these rows (`years.rs`), so the tail of the curves rests on
//! the table's rows (their number is written beside each return period), not on the handful of
//! years in which a rare event happens to come.

use rand::RngExt;

use crate::engine::{Plan, RunConfig, run_planned};
use crate::results::metrics::Column;
use crate::scenario::Event;
use crate::simulation::Progress;
use crate::streams::{Domain, StreamKey};
use crate::world::World;

/// Component after the domain for the tables' seeds.
const TABLES: u64 = 0;

/// The seed of event `id`'s table: its replications draw from streams of their own, apart from
/// every other event's and from a `run` of the same seed, while the world (agents, contacts)
/// is the scenario's, built once from `seed`.
pub fn table_seed(seed: u64, id: &str) -> u64 {
    StreamKey::new(seed, 0, Domain::Annual)
        .then(TABLES)
        .then_id(id)
        .stream()
        .random::<u64>()
}

/// The tables of `events` on `world`: each event alone, `rows` replications from replication 0
/// under [`table_seed`], and `columns` of each. The world's scenario is restored after.
pub fn simulate(
    world: &mut World,
    events: &[Event],
    columns: &[Column],
    rows: u32,
    progress: &dyn Progress,
) -> Vec<EventTable> {
    let (kept, seed) = (world.scenario.events.clone(), world.scenario.run.seed);
    let mut tables = Vec::with_capacity(events.len());
    for event in events {
        world.scenario.events = vec![event.clone()];
        world.scenario.run.seed = table_seed(seed, &event.id);
        progress.planning(true);
        let plan = Plan::new(&*world);
        progress.planning(false);
        let config = RunConfig {
            first_replication: 0,
            replications: rows,
        };
        let values: Vec<Vec<f64>> = run_planned(&plan, &config, progress)
            .iter()
            .map(|outcome| {
                columns
                    .iter()
                    .map(|c| c.value(&world.scenario, outcome))
                    .collect()
            })
            .collect();
        tables.push(EventTable::new(
            &event.id,
            &event.name,
            event.rate_per_year.unwrap_or(0.0),
            columns.len(),
            &values,
        ));
    }
    world.scenario.events = kept;
    world.scenario.run.seed = seed;
    tables
}

/// One rated event's table: `rows × metrics` values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTable {
    /// The event's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Occurrences per year.
    pub rate: f64,
    metrics: usize,
    values: Vec<f64>,
}

impl EventTable {
    /// A table of `rows` (one `Vec` of `metrics` values per occurrence; at least one row).
    pub fn new(id: &str, name: &str, rate: f64, metrics: usize, rows: &[Vec<f64>]) -> EventTable {
        EventTable {
            id: id.to_string(),
            name: name.to_string(),
            rate,
            metrics,
            values: rows.iter().flat_map(|row| row.iter().copied()).collect(),
        }
    }

    /// The number of occurrences simulated.
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.metrics).unwrap_or(0)
    }

    /// The value of metric `metric` in occurrence `row`.
    pub fn value(&self, row: usize, metric: usize) -> f64 {
        self.values[row * self.metrics + metric]
    }

    /// Metric `metric` over every occurrence, in row order.
    pub fn column(&self, metric: usize) -> impl Iterator<Item = f64> + '_ {
        (0..self.rows()).map(move |row| self.value(row, metric))
    }
}
