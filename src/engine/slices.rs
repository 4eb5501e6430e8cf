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
pub fn fixed_points(horizon: f64, start_hour: f64, step_hours: f64) -> Vec<f64> {
    let mut points = Vec::new();
    let mut k = 1.0;
    loop {
        let t = k - start_hour.fract();
        if t >= horizon {
            break;
        }
        if t > 0.0 {
            points.push(t);
        }
        k += 1.0;
    }
    let mut step = 1.0;
    while step * step_hours < horizon {
        points.push(step * step_hours);
        step += 1.0;
    }
    points
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
    (horizon / step_hours - 1e-9).ceil().max(1.0) as usize
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
}
