//! The event-loss table: for each rated event, `rows` occurrences simulated as replications of
//! the scenario with that event alone, each with its own draws, and every additive metric of
//! each. Years are then sampled from these rows (`years.rs`), so the tail of the curves rests on
//! the table's rows (their number is written beside each return period), not on the handful of
//! years in which a rare event happens to come.

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
