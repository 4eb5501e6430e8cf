//! Whether a checked scenario's results can leave the finite range. Each input may be finite
//! and in range while a product of them is not: a value of time of 1e308 per hour times a
//! million person-hours is infinite, and the mean and spread of the results would be inf and NaN.
//! Every metric is bounded above by a product of inputs (the needs of the whole population over
//! the whole horizon at the busiest hour, times the money or minutes per need); a scenario whose
//! bound passes [`MAX_RESULT`] is refused at the input that drives it.

use super::checker::Checker;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::{Channel, Scenario};

/// The largest value any metric of one replication may reach. The statistics square deviations
/// and add them over as many as 2^32 replications: (1e100)² · 2^32 is about 4e209, far from
/// overflowing; money figures of real outages are below 1e15.
pub const MAX_RESULT: f64 = 1e100;

/// One factor of a bound: where it is written and its value.
struct Factor {
    path: FieldPath,
    value: f64,
}

/// Records a problem for every service whose needs, extra hours or money could pass
/// [`MAX_RESULT`], at the factor of its bound with the largest value.
pub(super) fn results_stay_finite(cx: &mut Checker<'_, '_>, scenario: &Scenario) {
    let population = Factor {
        path: FieldPath::default().key("population").key("size"),
        value: scenario.population as f64,
    };
    let horizon = Factor {
        path: FieldPath::default().key("run").key("horizon_hours"),
        value: scenario.run.horizon_hours,
    };
    let value_of_time = Factor {
        path: FieldPath::default()
            .key("scenario")
            .key("value_of_time_per_hour"),
        value: scenario.meta.value_of_time_per_hour,
    };
    for (index, service) in scenario.services.iter().enumerate() {
        let here = cx.element("services", index);
        let busiest_hour = service.profile.iter().copied().fold(0.0, f64::max);
        let demand = Factor {
            path: here.key("demand_per_day"),
            value: service.demand_per_day.iter().copied().fold(0.0, f64::max),
        };
        let needs = population.value * demand.value / 24.0 * busiest_hour * horizon.value;
        let (slowest, minutes) = service
            .channels
            .iter()
            .enumerate()
            .filter_map(|(position, channel)| match channel {
                Channel::Offline(offline) => Some((position, offline.extra_minutes)),
                Channel::Platform(_) => None,
            })
            .fold((None, 0.0), |best, (position, minutes)| {
                if minutes > best.1 {
                    (Some(position), minutes)
                } else {
                    best
                }
            });
        let minutes = Factor {
            path: slowest.map_or_else(
                || here.key("channels"),
                |position| here.key("channels").index(position).key("extra_minutes"),
            ),
            value: minutes,
        };
        let value_per_unmet = Factor {
            path: here.key("value_per_unmet"),
            value: service.value_per_unmet,
        };
        let extra_hours = needs * minutes.value / 60.0;
        let bounds = [
            ("unmet needs", needs, vec![&population, &demand, &horizon]),
            (
                "extra hours",
                extra_hours,
                vec![&population, &demand, &horizon, &minutes],
            ),
            (
                "economic loss",
                needs * value_per_unmet.value + extra_hours * value_of_time.value,
                vec![
                    &population,
                    &demand,
                    &horizon,
                    &minutes,
                    &value_per_unmet,
                    &value_of_time,
                ],
            ),
        ];
        // NaN (0 × inf) is out of range too.
        if let Some((metric, bound, factors)) = bounds
            .into_iter()
            .find(|(_, bound, _)| bound.is_nan() || *bound > MAX_RESULT)
        {
            let Some(largest) = factors
                .into_iter()
                .max_by(|a, b| a.value.total_cmp(&b.value))
            else {
                continue;
            };
            cx.problem(
                &largest.path,
                format!(
                    "with this value ({:.3e}), service \"{}\"'s {metric} could reach {bound:.3e}, beyond the {MAX_RESULT:e} a result may hold",
                    largest.value, service.id
                ),
                "check the value and its unit: results this large overflow their mean and spread",
            );
        }
    }
}
