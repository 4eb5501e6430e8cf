//! Person-hours per person (`summary.json`'s `per_person`): every person-hours metric divided by
//! the people it is about — the population for a service's, the total's and the union's, the
//! segment's people for a `.by_segment.<g>` breakdown ("hours per elderly person"). The mean, its
//! standard error and its 95 % interval scale by the same constant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Stats;
use super::registry::{self, Unit};

/// One person-hours metric per person of the people it is about.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PerPerson {
    /// The people it is divided by: the population, or the segment's share of it.
    pub people: f64,
    /// Mean hours per person.
    pub mean: f64,
    /// Standard error of that mean.
    pub se: f64,
    /// 95 % interval of the mean, lower end.
    pub mean_lo: f64,
    /// 95 % interval of the mean, upper end.
    pub mean_hi: f64,
}

/// Every person-hours metric of `metrics` (name, unit, statistics) per person, by metric name;
/// `share_of` gives a segment's share of the population by id. Metrics about people who are not
/// there (a segment of share 0, a population of 0) are left out.
pub fn of<'a>(
    metrics: impl Iterator<Item = (&'a String, Option<Unit>, &'a Stats)>,
    share_of: impl Fn(&str) -> Option<f64>,
    population: u64,
) -> BTreeMap<String, PerPerson> {
    metrics
        .filter(|(_, unit, _)| *unit == Some(Unit::PersonHours))
        .filter_map(|(name, _, s)| {
            let share = match registry::split(name).2 {
                Some(segment) => share_of(segment)?,
                None => 1.0,
            };
            let people = population as f64 * share;
            (people > 0.0).then(|| {
                (
                    name.clone(),
                    PerPerson {
                        people,
                        mean: s.mean / people,
                        se: s.se / people,
                        mean_lo: s.mean_lo / people,
                        mean_hi: s.mean_hi / people,
                    },
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_per_person_of_the_population_and_of_each_segment() {
        let stats = Stats::of(&[100.0, 300.0]);
        let metrics: Vec<(String, Option<Unit>, Stats)> = [
            ("person_hours_cut_off.any", Unit::PersonHours),
            (
                "person_hours_cut_off.any.by_segment.elderly",
                Unit::PersonHours,
            ),
            (
                "person_hours_cut_off.any.by_segment.gone",
                Unit::PersonHours,
            ),
            ("unmet_needs.total", Unit::Count),
        ]
        .into_iter()
        .map(|(k, u)| (k.to_string(), Some(u), stats))
        .collect();
        let share_of = |id: &str| match id {
            "elderly" => Some(0.25),
            "gone" => Some(0.0),
            _ => None,
        };
        let per = of(metrics.iter().map(|(k, u, s)| (k, *u, s)), share_of, 100);
        assert_eq!(per.len(), 2, "{per:?}");
        let all = per["person_hours_cut_off.any"];
        assert_eq!((all.people, all.mean), (100.0, 2.0));
        assert!((all.se - stats.se / 100.0).abs() < 1e-12);
        let elderly = per["person_hours_cut_off.any.by_segment.elderly"];
        assert_eq!((elderly.people, elderly.mean), (25.0, 8.0));
        assert!((elderly.mean_hi - stats.mean_hi / 25.0).abs() < 1e-12);
    }
}
