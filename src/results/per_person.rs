//! Person-hours per person (`summary.json`'s `per_person`): every person-hours metric divided by
//! the people it is about — the population for a service's, the total's and the union's, the
//! segment's people for a `.by_segment.<g>` breakdown ("hours per elderly person"). The mean, its
//! standard error and its 95 % interval scale by the same constant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::registry::{self, Unit};
use super::summary::{Metric, Segment};

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

/// Every person-hours metric of `metrics` per person, by metric name; metrics about people
/// who are not there (a segment of share 0, a population of 0) are left out.
pub fn of(
    metrics: &BTreeMap<String, Metric>,
    segments: &[Segment],
    population: u64,
) -> BTreeMap<String, PerPerson> {
    metrics
        .iter()
        .filter(|(_, m)| m.unit == Some(Unit::PersonHours))
        .filter_map(|(name, m)| {
            let share = match registry::split(name).2 {
                Some(segment) => segments.iter().find(|s| s.id == segment)?.share,
                None => 1.0,
            };
            let people = population as f64 * share;
            (people > 0.0).then(|| {
                let s = &m.stats;
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
    use crate::results::Stats;

    #[test]
    fn hours_per_person_of_the_population_and_of_each_segment() {
        let stats = Stats::of(&[100.0, 300.0]);
        let metric = |unit| Metric {
            unit: Some(unit),
            stats,
        };
        let metrics: BTreeMap<String, Metric> = [
            ("person_hours_cut_off.any", metric(Unit::PersonHours)),
            (
                "person_hours_cut_off.any.by_segment.elderly",
                metric(Unit::PersonHours),
            ),
            (
                "person_hours_cut_off.any.by_segment.gone",
                metric(Unit::PersonHours),
            ),
            ("unmet_needs.total", metric(Unit::Count)),
        ]
        .into_iter()
        .map(|(k, m)| (k.to_string(), m))
        .collect();
        let segments = [
            Segment {
                id: "elderly".into(),
                name: String::new(),
                share: 0.25,
            },
            Segment {
                id: "gone".into(),
                name: String::new(),
                share: 0.0,
            },
        ];
        let per = of(&metrics, &segments, 100);
        assert_eq!(per.len(), 2, "{per:?}");
        let all = per["person_hours_cut_off.any"];
        assert_eq!((all.people, all.mean), (100.0, 2.0));
        assert!((all.se - stats.se / 100.0).abs() < 1e-12);
        let elderly = per["person_hours_cut_off.any.by_segment.elderly"];
        assert_eq!((elderly.people, elderly.mean), (25.0, 8.0));
        assert!((elderly.mean_hi - stats.mean_hi / 25.0).abs() < 1e-12);
    }
}
