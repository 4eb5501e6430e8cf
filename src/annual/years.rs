//! The simulated years: in year `y` each rated event occurs a Poisson number of times, and each
//! occurrence is one row of that event's table, picked at random. Counts and rows are drawn from
//! streams keyed by what they draw — (year, event id) for the count, (year, event id, k) for the
//! k-th occurrence's row — so a variant with the same rates gets the same years and rows (common
//! random numbers), and one with another rate gets counts from the same uniforms (a monotone
//! coupling: a higher rate never has fewer occurrences in a year).

use rand::RngExt;
use rayon::prelude::*;

use crate::streams::{Domain, StreamKey};

/// Component after the domain for the years' draws (the tables' seeds and the bootstrap use
/// others).
const YEARS: u64 = 1;

/// One occurrence in a year: which event, and which row of its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// The event, by its index in the rated events.
    pub event: usize,
    /// The row of the event's table.
    pub row: u32,
}

/// The occurrences of every simulated year, in year order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Years {
    /// Year `y`'s occurrences are `occurrences[starts[y]..starts[y + 1]]`.
    starts: Vec<usize>,
    occurrences: Vec<Occurrence>,
}

impl Years {
    /// Draws `years` years of the events `(id, rate per year)`, each with a table of `rows`
    /// occurrences (`rows` ≥ 1).
    ///
    /// # Complexity
    /// O(years × (events + occurrences)), in parallel over years.
    pub fn draw(seed: u64, events: &[(&str, f64)], years: u32, rows: u32) -> Years {
        let root = StreamKey::new(seed, 0, Domain::Annual).then(YEARS);
        let per_year: Vec<Vec<Occurrence>> = (0..u64::from(years))
            .into_par_iter()
            .map(|year| {
                let mut here = Vec::new();
                for (event, &(id, rate)) in events.iter().enumerate() {
                    let key = root.then(year).then_id(id);
                    let count = poisson(rate, key.stream().random::<f64>());
                    for k in 0..count {
                        let row = key.then(k).stream().random_range(0..rows.max(1));
                        here.push(Occurrence { event, row });
                    }
                }
                here
            })
            .collect();
        let mut starts = Vec::with_capacity(per_year.len() + 1);
        starts.push(0);
        let mut occurrences = Vec::new();
        for year in per_year {
            occurrences.extend(year);
            starts.push(occurrences.len());
        }
        Years {
            starts,
            occurrences,
        }
    }

    /// The number of years.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether there are no years.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Year `year`'s occurrences.
    pub fn year(&self, year: usize) -> &[Occurrence] {
        &self.occurrences[self.starts[year]..self.starts[year + 1]]
    }

    /// Every occurrence of every year, year by year.
    pub fn all(&self) -> &[Occurrence] {
        &self.occurrences
    }
}

/// The Poisson(`rate`) count whose distribution function first reaches `u` (inversion), so that
/// the same `u` gives a count that grows with the rate. Rates are at most
/// `scenario::MAX_RATE_PER_YEAR` (100), where e^−rate is still a normal `f64`.
pub fn poisson(rate: f64, u: f64) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    let mut p = (-rate).exp();
    let mut cumulative = p;
    let mut n = 0u64;
    // Rounding can leave the sum a little under 1: stop far in the tail.
    let last = (rate + 40.0 * rate.sqrt() + 50.0) as u64;
    while u >= cumulative && n < last {
        n += 1;
        p *= rate / n as f64;
        cumulative += p;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inversion's mean and variance are the rate's, within 4 standard errors over 40 000
    /// uniforms on a grid (a bias of 1 % of the mean would show).
    #[test]
    fn inversion_gives_poisson_counts_that_grow_with_the_rate() {
        for rate in [0.05, 0.7, 3.0, 60.0] {
            let n = 40_000;
            let counts: Vec<f64> = (0..n)
                .map(|i| poisson(rate, (i as f64 + 0.5) / n as f64) as f64)
                .collect();
            let mean = counts.iter().sum::<f64>() / n as f64;
            let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n as f64;
            assert!(
                (mean - rate).abs() < 4.0 * (rate / n as f64).sqrt() + 1e-3,
                "{rate} {mean}"
            );
            assert!((var / rate - 1.0).abs() < 0.05, "{rate} {var}");
        }
        for i in 0..1000 {
            let u = i as f64 / 1000.0;
            assert!(poisson(0.5, u) <= poisson(0.6, u));
        }
        assert_eq!(poisson(0.0, 0.99), 0);
    }

    /// The years do not depend on the threads, and an event's occurrences do not move when
    /// another event is added.
    #[test]
    fn years_are_keyed_by_year_and_event() {
        let one = Years::draw(7, &[("fire", 0.8)], 500, 100);
        let two = Years::draw(7, &[("fire", 0.8), ("flood", 2.0)], 500, 100);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
        let single = pool.map(|p| p.install(|| Years::draw(7, &[("fire", 0.8)], 500, 100)));
        assert_eq!(single.ok().as_ref(), Some(&one));
        for y in 0..500 {
            let fires: Vec<_> = two
                .year(y)
                .iter()
                .filter(|o| o.event == 0)
                .copied()
                .collect();
            assert_eq!(fires, one.year(y));
        }
        assert!(one.all().iter().all(|o| o.row < 100));
    }
}
