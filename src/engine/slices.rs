//! Cuts the horizon into slices within which nothing changes: no node changes state, the hour
//! of the day (demand profile, offline capacity) and the output step are the same.

/// A stretch of time with everything constant (ramps are cut fine enough to treat as constant).
#[derive(Debug, Clone, Copy)]
pub struct Slice {
    pub start: f64,
    pub end: f64,
    /// Index of the clock hour since the start of day 0 of the run (for capacity per hour).
    pub clock_hour: i64,
    /// Hour of the day, 0–23 (for the demand profile).
    pub hour_of_day: usize,
    pub step: usize,
}

impl Slice {
    pub fn length(&self) -> f64 {
        self.end - self.start
    }

    pub fn middle(&self) -> f64 {
        (self.start + self.end) / 2.0
    }
}

/// Fixed cut points of a run: clock-hour and output-step boundaries inside `(0, horizon)`.
///
/// Both are counted with integers, so the count is exact however long the horizon (a float
/// counter stops growing past 2^53); the scenario's checks bound the horizon and the number of
/// steps, so the points of a checked scenario number at most a few hundred thousand.
pub fn fixed_points(horizon: f64, start_hour: f64, step_hours: f64) -> Vec<f64> {
    let offset = start_hour.fract();
    let clock_hours = (1u64..)
        .map(|k| k as f64 - offset)
        .take_while(|&t| t < horizon)
        .filter(|&t| t > 0.0);
    let steps = (1u64..)
        .map(|step| step as f64 * step_hours)
        .take_while(|&t| t < horizon);
    clock_hours.chain(steps).collect()
}

/// Slices from the fixed points and a replication's change points.
pub fn cut(
    horizon: f64,
    start_hour: f64,
    step_hours: f64,
    fixed: &[f64],
    changes: &[f64],
) -> Vec<Slice> {
    let mut points: Vec<f64> = Vec::with_capacity(fixed.len() + changes.len() + 2);
    points.push(0.0);
    points.extend_from_slice(fixed);
    points.extend_from_slice(changes);
    points.push(horizon);
    points.sort_by(f64::total_cmp);
    points.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let last_step = step_count(horizon, step_hours) - 1;
    points
        .windows(2)
        .map(|w| {
            let middle = (w[0] + w[1]) / 2.0;
            let clock = (start_hour + middle).floor();
            Slice {
                start: w[0],
                end: w[1],
                clock_hour: clock as i64,
                hour_of_day: clock.rem_euclid(24.0) as usize,
                // A last sliver of horizon past a whole number of steps belongs to the last.
                step: ((middle / step_hours).floor() as usize).min(last_step),
            }
        })
        .collect()
}

/// Number of output steps covering the horizon.
pub fn step_count(horizon: f64, step_hours: f64) -> usize {
    crate::scenario::output_steps(horizon, step_hours) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_clock_hours_and_steps() {
        let fixed = fixed_points(3.0, 15.5, 1.0);
        let slices = cut(3.0, 15.5, 1.0, &fixed, &[1.2]);
        let bounds: Vec<(f64, f64)> = slices.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(
            bounds,
            vec![
                (0.0, 0.5),
                (0.5, 1.0),
                (1.0, 1.2),
                (1.2, 1.5),
                (1.5, 2.0),
                (2.0, 2.5),
                (2.5, 3.0)
            ]
        );
        assert_eq!(slices[0].hour_of_day, 15);
        assert_eq!(slices[1].hour_of_day, 16);
        assert_eq!(slices[3].step, 1);
        assert_eq!(step_count(3.0, 1.0), 3);
        assert_eq!(step_count(2.5, 1.0), 3);
    }

    #[test]
    fn the_longest_horizon_has_every_clock_hour_and_step() {
        // Clock hours at k − 0.5 for k = 1 … 87 600; day-long steps at 24 s for s = 1 … 3 649.
        let points = fixed_points(87_600.0, 0.5, 24.0);
        assert_eq!(points.len(), 87_600 + 3_649);
        assert_eq!(points.first(), Some(&0.5));
        assert_eq!(points.last(), Some(&(3_649.0 * 24.0)));
    }
}
