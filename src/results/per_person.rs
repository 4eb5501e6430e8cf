//! Person-hours per person (`summary.json`'s `per_person`): every person-hours metric divided by
//! the people it is about — the population for a service's, the total's and the union's, the
//! segment's people for a `.by_segment.<g>` breakdown ("hours per elderly person"). The mean, its
//! standard error and its 95 % interval scale by the same constant.
//!
//! Hours per person who lost it (`summary.json`'s `per_person_cut_off`): each
//! `person_hours_cut_off` metric of a service or of the union (`.any`), and their breakdowns,
//! over the people ever cut off of the same name (`people_ever_cut_off.…`). It is the ratio of
//! the means, `R = mean(H) / mean(P)` — the hours of everyone who lost it over their number,
//! defined whenever someone lost it in some replication (a mean of per-replication ratios would
//! be 0 / 0 in every replication where the event did not happen). Its standard error is the
//! ratio estimator's (the delta method): `se(R) = sqrt(var(H − R P) / n) / mean(P)`, with the
//! sample variance (n − 1) of the residuals, and its 95 % interval `R ± t × se` (Student t with
//! n − 1 degrees of freedom, as every mean's).

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

/// The prefix of the person-hours metrics divided by the people who lost it.
const HOURS: &str = "person_hours_cut_off.";
/// The prefix of the people ever cut off of the same subject and segment.
const PEOPLE: &str = "people_ever_cut_off.";

/// Hours per person who lost it, by `person_hours_cut_off` metric name, from the run's metric
/// `names` and `values[replication][metric]` (see the module doc). Metrics whose people were
/// never cut off in any replication are left out; `people` is the mean of the people ever cut
/// off.
pub fn who_lost_it(names: &[String], values: &[Vec<f64>]) -> BTreeMap<String, PerPerson> {
    let column = |m: usize| values.iter().map(|row| row[m]).collect::<Vec<f64>>();
    names
        .iter()
        .enumerate()
        .filter_map(|(h, name)| {
            let rest = name.strip_prefix(HOURS)?;
            let people = format!("{PEOPLE}{rest}");
            let p = names.iter().position(|n| *n == people)?;
            ratio_of_means(&column(h), &column(p)).map(|ratio| (name.clone(), ratio))
        })
        .collect()
}

/// `mean(hours) / mean(people)` with its delta-method standard error and 95 % interval; `None`
/// when nobody was ever cut off (or there are no replications).
fn ratio_of_means(hours: &[f64], people: &[f64]) -> Option<PerPerson> {
    let n = hours.len();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let people_mean = (n > 0).then(|| mean(people)).filter(|&p| p > 0.0)?;
    let ratio = mean(hours) / people_mean;
    let (se, half) = if n > 1 {
        let residuals: f64 = hours
            .iter()
            .zip(people)
            .map(|(h, p)| (h - ratio * p).powi(2))
            .sum();
        let se = (residuals / (n - 1) as f64 / n as f64).sqrt() / people_mean;
        (se, super::t_975(n - 1) * se)
    } else {
        (0.0, 0.0)
    };
    Some(PerPerson {
        people: people_mean,
        mean: ratio,
        se,
        mean_lo: ratio - half,
        mean_hi: ratio + half,
    })
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

    /// Closed form: hours (10, 30) of people (5, 5): R = 40 / 10 = 4; residuals −10 and 10,
    /// sample variance 200, se = sqrt(200 / 2) / 5 = 2; t(1) = 12.7062. Nobody ever cut off:
    /// no ratio; a person-hours metric without people (the total) is left out too.
    #[test]
    fn hours_per_person_who_lost_it_is_the_ratio_of_means_with_its_delta_se() {
        let names: Vec<String> = [
            "person_hours_cut_off.pay",
            "people_ever_cut_off.pay",
            "person_hours_cut_off.total",
            "person_hours_cut_off.any.by_segment.old",
            "people_ever_cut_off.any.by_segment.old",
        ]
        .map(String::from)
        .into();
        let values = vec![
            vec![10.0, 5.0, 10.0, 0.0, 0.0],
            vec![30.0, 5.0, 30.0, 0.0, 0.0],
        ];
        let per = who_lost_it(&names, &values);
        assert_eq!(per.len(), 1, "{per:?}");
        let pay = per["person_hours_cut_off.pay"];
        assert_eq!((pay.people, pay.mean), (5.0, 4.0));
        assert!((pay.se - 2.0).abs() < 1e-12, "{pay:?}");
        assert!(
            (pay.mean_hi - (4.0 + 12.7062 * 2.0)).abs() < 1e-9,
            "{pay:?}"
        );
        // People that vary with the hours in proportion: the ratio has no noise.
        let values = vec![
            vec![10.0, 2.0, 0.0, 0.0, 0.0],
            vec![30.0, 6.0, 0.0, 0.0, 0.0],
        ];
        let pay = who_lost_it(&names, &values)["person_hours_cut_off.pay"];
        assert_eq!((pay.mean, pay.se), (5.0, 0.0));
    }
}
