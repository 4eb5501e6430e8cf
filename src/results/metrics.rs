//! A scenario's metrics and time series, laid out from the [registry](super::registry): their
//! names in the order of `replications.csv`'s columns and `timeseries.csv`'s series, and their
//! values from the engine's typed outcomes — both from the same declarations, so they cannot
//! drift apart.
//!
//! Column order (contract): per service, each service-scoped family; per pairwise service, each
//! pairwise family; each family's `.total`; per switched platform, each platform family; then the
//! by-segment breakdowns, family by family, services then the total, segment by segment. Within
//! each block, families keep the order of [`FAMILIES`].

use super::registry::{
    ECONOMIC_LOSS, FAMILIES, Family, Holders, PEOPLE_EVER_CUT_OFF, PERSON_HOURS_CUT_OFF, Prices,
    SERIES, Scope, SeriesKind, Source, Total,
};
use crate::engine::ReplicationOutcome;
use crate::scenario::Scenario;

/// What one metric is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A service, by index.
    Service(usize),
    /// The family's total over services.
    Total,
    /// The family's union over services (`.any`): each person counted once.
    Any,
    /// The platform of a switching rule, by the rule's index.
    Switched(usize),
}

/// One metric of a scenario: a column of `replications.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The metric's name, e.g. `economic_loss.total.by_segment.elderly`.
    pub name: String,
    /// The registry's declaration of its family.
    pub family: &'static Family,
    /// What it is about: a service, a segment, a platform, a node, or everything.
    pub subject: Subject,
    /// The segment index of a `.by_segment.` breakdown.
    pub segment: Option<usize>,
}

impl Column {
    fn new(
        scenario: &Scenario,
        family: &'static Family,
        subject: Subject,
        segment: Option<usize>,
    ) -> Column {
        let mut name = match subject {
            Subject::Service(s) => family.name_of(&scenario.services[s].id),
            Subject::Total => format!("{}.total", family.name),
            Subject::Any => format!("{}.any", family.name),
            Subject::Switched(r) => {
                family.name_of(&scenario.nodes[scenario.switching[r].platform].id)
            }
        };
        if let Some(g) = segment {
            name.push_str(".by_segment.");
            name.push_str(&scenario.segments[g].id);
        }
        Column {
            name,
            family,
            subject,
            segment,
        }
    }

    /// The metric's value in one replication.
    pub fn value(&self, scenario: &Scenario, outcome: &ReplicationOutcome) -> f64 {
        match (self.family.source, self.subject) {
            (Source::Segments { value, .. }, Subject::Service(s)) => {
                let prices = prices(scenario, s);
                let damage = &outcome.services[s].by_segment;
                match self.segment {
                    Some(g) => value(&prices, &damage[g]),
                    None => damage.iter().map(|d| value(&prices, d)).sum(),
                }
            }
            (Source::Segments { value, .. }, Subject::Total) => {
                // Per segment, summed over services in order; the total is the sum of those.
                let segment = |g: usize| {
                    outcome
                        .services
                        .iter()
                        .enumerate()
                        .fold(0.0, |sum, (s, damage)| {
                            sum + value(&prices(scenario, s), &damage.by_segment[g])
                        })
                };
                match self.segment {
                    Some(g) => segment(g),
                    None => (0..scenario.segments.len()).map(segment).sum(),
                }
            }
            (_, Subject::Any) => {
                let by_segment = self
                    .family
                    .union
                    .and_then(|union| outcome.union.as_ref().and_then(union));
                match (by_segment, self.segment) {
                    (Some(values), Some(g)) => values.get(g).copied().unwrap_or(0.0),
                    (Some(values), None) => values.iter().sum(),
                    // [`columns`] makes `.any` only where the engine counts it.
                    (None, _) => 0.0,
                }
            }
            (Source::EverCutOff, Subject::Service(s)) => {
                let people = outcome
                    .people_ever_cut_off
                    .get(s)
                    .map_or(&[][..], Vec::as_slice);
                match self.segment {
                    Some(g) => people.get(g).copied().unwrap_or(0.0),
                    None => people.iter().sum(),
                }
            }
            (Source::Service(value), Subject::Service(s)) => value(&outcome.services[s]),
            (Source::Service(value), Subject::Total) => outcome.services.iter().map(value).sum(),
            // The engine gives every pairwise service its pairwise damage (validation makes
            // sure a pairwise service has contacts).
            (Source::Pairwise(value), Subject::Service(s)) => {
                outcome.services[s].pairwise.as_ref().map_or(0.0, value)
            }
            (Source::Switching(value), Subject::Switched(r)) => value(&Holders {
                before: outcome.holders_before[r],
                installs: outcome.installs[r],
                population: scenario.population as f64,
            }),
            // [`columns`] makes no other pairing.
            _ => 0.0,
        }
    }
}

fn prices(scenario: &Scenario, service: usize) -> Prices {
    Prices {
        value_per_unmet: scenario.services[service].value_per_unmet,
        value_of_time_per_hour: scenario.meta.value_of_time_per_hour,
    }
}

/// Every metric of a scenario, in the order of `replications.csv`'s columns.
pub fn columns(scenario: &Scenario) -> Vec<Column> {
    let mut columns = Vec::new();
    let mut push = |family, subject, segment| {
        columns.push(Column::new(scenario, family, subject, segment));
    };
    let services = 0..scenario.services.len();
    let of_scope = |scope: Scope| FAMILIES.iter().copied().filter(move |f| f.scope() == scope);
    for s in services.clone() {
        for family in of_scope(Scope::Service) {
            push(family, Subject::Service(s), None);
        }
    }
    for s in services.clone().filter(|&s| scenario.services[s].pairwise) {
        for family in of_scope(Scope::PairwiseService) {
            push(family, Subject::Service(s), None);
        }
    }
    for family in FAMILIES
        .iter()
        .copied()
        .filter(|f| f.total == Total::SumOverServices || has_union(scenario, f))
    {
        if family.total == Total::SumOverServices {
            push(family, Subject::Total, None);
        }
        if has_union(scenario, family) {
            push(family, Subject::Any, None);
        }
    }
    for r in 0..scenario.switching.len() {
        for family in of_scope(Scope::SwitchedPlatform) {
            push(family, Subject::Switched(r), None);
        }
    }
    for family in FAMILIES.iter().copied().filter(|f| f.by_segment()) {
        let total = (family.total == Total::SumOverServices).then_some(Subject::Total);
        let any = has_union(scenario, family).then_some(Subject::Any);
        for subject in services
            .clone()
            .map(Subject::Service)
            .chain(total)
            .chain(any)
        {
            for g in 0..scenario.segments.len() {
                push(family, subject, Some(g));
            }
        }
    }
    columns
}

/// Whether `family` has `.any` in `scenario`: the engine counts the union of cut-off with at most
/// one pairwise service, and of stranded with none (see `engine/union.rs`).
pub fn has_union(scenario: &Scenario, family: &Family) -> bool {
    let pairwise = scenario.services.iter().filter(|s| s.pairwise).count();
    family.has_union()
        && if [PERSON_HOURS_CUT_OFF.name, PEOPLE_EVER_CUT_OFF.name].contains(&family.name) {
            pairwise <= 1
        } else {
            pairwise == 0
        }
}

/// The metric names of a scenario, in the order of `replications.csv`'s columns.
pub fn names(scenario: &Scenario) -> Vec<String> {
    columns(scenario).into_iter().map(|c| c.name).collect()
}

/// One replication's metric values, in the order of [`names`].
pub fn values(scenario: &Scenario, outcome: &ReplicationOutcome) -> Vec<f64> {
    columns(scenario)
        .iter()
        .map(|c| c.value(scenario, outcome))
        .collect()
}

/// The metric of `scenario` called `name`.
///
/// # Errors
/// When the scenario has no such metric: a sentence saying why (an unknown family, or a family
/// without that subject) and which names would do.
pub fn find(scenario: &Scenario, name: &str) -> Result<Column, String> {
    let columns = columns(scenario);
    if let Some(column) = columns.iter().find(|c| c.name == name) {
        return Ok(column.clone());
    }
    let family = name.split('.').next().unwrap_or(name);
    let of_family: Vec<&str> = columns
        .iter()
        .filter(|c| c.family.name == family && c.segment.is_none())
        .map(|c| c.name.as_str())
        .collect();
    Err(if of_family.is_empty() {
        let families: Vec<&str> = FAMILIES
            .iter()
            .filter(|f| columns.iter().any(|c| c.family.name == f.name))
            .map(|f| f.name)
            .collect();
        let totals: Vec<&str> = columns
            .iter()
            .filter(|c| c.subject == Subject::Total && c.segment.is_none())
            .map(|c| c.name.as_str())
            .collect();
        format!(
            "no metric family `{family}` in this scenario; its families are {} (totals: {})",
            families.join(", "),
            totals.join(", ")
        )
    } else {
        format!(
            "no metric `{name}` in this scenario; the family {family} has {} (and their \
             `.by_segment.<segment>` breakdowns, where it has them)",
            of_family.join(", ")
        )
    })
}

/// One time series of a scenario: a series of `timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesColumn {
    /// The series' name, e.g. `capacity.pangyo_dc`.
    pub name: String,
    /// The registry's declaration of its kind.
    pub kind: &'static SeriesKind,
    /// The index of the service or node it is about.
    pub subject: usize,
}

impl SeriesColumn {
    /// The series' steps in one replication (empty if the outcome lacks it, which the engine
    /// never does).
    pub fn steps<'a>(&self, outcome: &'a ReplicationOutcome) -> &'a [f64] {
        (self.kind.steps)(&outcome.series, self.subject).unwrap_or(&[])
    }
}

/// Every time series of a scenario, in the order of `timeseries.csv`.
pub fn series(scenario: &Scenario) -> Vec<SeriesColumn> {
    let mut all = Vec::new();
    for kind in SERIES {
        let subjects: Vec<(usize, &str)> = match kind.scope {
            Scope::Service | Scope::PairwiseService => scenario
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| kind.scope == Scope::Service || s.pairwise)
                .map(|(i, s)| (i, s.id.as_str()))
                .collect(),
            Scope::Node => scenario
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (i, n.id.as_str()))
                .collect(),
            Scope::SwitchedPlatform => scenario
                .switching
                .iter()
                .map(|rule| (rule.platform, scenario.nodes[rule.platform].id.as_str()))
                .collect(),
        };
        all.extend(subjects.into_iter().map(|(subject, id)| SeriesColumn {
            name: kind.name_of(id),
            kind,
            subject,
        }));
    }
    all
}

/// Names of the time series, in the order of `timeseries.csv`.
pub fn series_names(scenario: &Scenario) -> Vec<String> {
    series(scenario).into_iter().map(|s| s.name).collect()
}

/// The family that sums up a run: money lost when the scenario values damage in money, else
/// person-hours cut off. Its `.total` is the headline metric.
pub fn headline_family(scenario: &Scenario) -> &'static Family {
    if scenario.has_money_values() {
        &ECONOMIC_LOSS
    } else {
        &PERSON_HOURS_CUT_OFF
    }
}

/// The metric that sums up a run: `economic_loss.total` or `person_hours_cut_off.total`.
pub fn headline(scenario: &Scenario) -> String {
    format!("{}.total", headline_family(scenario).name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PairwiseDamage, SegmentDamage, Series, ServiceDamage};
    use crate::results::registry::Unit;

    /// Two services (one pairwise), two segments, one switching rule, three nodes.
    const TEXT: &str = r#"
[scenario]
name = "names"
value_of_time_per_hour = 7

[run]
horizon_hours = 24
agents = 1000

[population]
size = 2000

[[population.segments]]
id = "young"
share = 0.4
[[population.segments]]
id = "old"
share = 0.6

[social]
model = "erdos_renyi"
mean_degree = 4

[[infrastructure]]
id = "dc"

[[platforms]]
id = "chat"
depends_on = ["dc"]

[[platforms]]
id = "rival"
installable = true

[[adoption]]
platform = "chat"
share = 0.9
[[adoption]]
platform = "rival"
share = 0.1

[[services]]
id = "messaging"
pairwise = true
demand_per_day = 10
channels = [{ platform = "chat" }, { platform = "rival" }]
value_per_unmet = 3

[[services]]
id = "payments"
demand_per_day = 2
channels = [{ platform = "chat" }, { offline = "cash", success = 0.5, extra_minutes = 6 }]
value_per_unmet = 11

[[behaviour.switching]]
platform = "rival"
base_rate_per_hour = 0.1

[[events]]
id = "fire"
fails = ["dc"]
at_hour = 1
duration_hours = 2
"#;

    fn scenario() -> Scenario {
        crate::scenario::parse(TEXT, "names.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// The names SCENARIO-SPEC section 3 and the README document, in `replications.csv` order.
    const DOCUMENTED: &[&str] = &[
        "unmet_needs.messaging",
        "delayed_needs.messaging",
        "person_hours_cut_off.messaging",
        "people_ever_cut_off.messaging",
        "peak_cut_off_share.messaging",
        "person_hours_stranded.messaging",
        "peak_stranded_share.messaging",
        "extra_hours.messaging",
        "economic_loss.messaging",
        "unmet_needs.payments",
        "delayed_needs.payments",
        "person_hours_cut_off.payments",
        "people_ever_cut_off.payments",
        "peak_cut_off_share.payments",
        "person_hours_stranded.payments",
        "peak_stranded_share.payments",
        "extra_hours.payments",
        "economic_loss.payments",
        "ties_cut_peak_share.messaging",
        "reachable_min_share.messaging",
        "unmet_needs.total",
        "person_hours_cut_off.total",
        "person_hours_cut_off.any",
        "people_ever_cut_off.any",
        "person_hours_stranded.total",
        "economic_loss.total",
        "installs.rival",
        "platform_share_before.rival",
        "platform_share_after.rival",
        "unmet_needs.messaging.by_segment.young",
        "unmet_needs.messaging.by_segment.old",
        "unmet_needs.payments.by_segment.young",
        "unmet_needs.payments.by_segment.old",
        "unmet_needs.total.by_segment.young",
        "unmet_needs.total.by_segment.old",
        "person_hours_cut_off.messaging.by_segment.young",
        "person_hours_cut_off.messaging.by_segment.old",
        "person_hours_cut_off.payments.by_segment.young",
        "person_hours_cut_off.payments.by_segment.old",
        "person_hours_cut_off.total.by_segment.young",
        "person_hours_cut_off.total.by_segment.old",
        "person_hours_cut_off.any.by_segment.young",
        "person_hours_cut_off.any.by_segment.old",
        "people_ever_cut_off.messaging.by_segment.young",
        "people_ever_cut_off.messaging.by_segment.old",
        "people_ever_cut_off.payments.by_segment.young",
        "people_ever_cut_off.payments.by_segment.old",
        "people_ever_cut_off.any.by_segment.young",
        "people_ever_cut_off.any.by_segment.old",
        "person_hours_stranded.messaging.by_segment.young",
        "person_hours_stranded.messaging.by_segment.old",
        "person_hours_stranded.payments.by_segment.young",
        "person_hours_stranded.payments.by_segment.old",
        "person_hours_stranded.total.by_segment.young",
        "person_hours_stranded.total.by_segment.old",
        "economic_loss.messaging.by_segment.young",
        "economic_loss.messaging.by_segment.old",
        "economic_loss.payments.by_segment.young",
        "economic_loss.payments.by_segment.old",
        "economic_loss.total.by_segment.young",
        "economic_loss.total.by_segment.old",
    ];

    #[test]
    fn a_scenario_with_switching_and_pairwise_services_gets_the_documented_names() {
        let scenario = scenario();
        assert_eq!(names(&scenario), DOCUMENTED);
        assert_eq!(
            series_names(&scenario),
            [
                "cut_off_share.messaging",
                "cut_off_share.payments",
                "reachable_share.messaging",
                "capacity.dc",
                "capacity.chat",
                "capacity.rival",
            ]
        );
    }

    /// An outcome whose every number is distinct, so that a value read from the wrong place
    /// shows.
    fn outcome() -> ReplicationOutcome {
        let damage = |base: f64| SegmentDamage {
            unmet_needs: base + 1.0,
            delayed_needs: base + 2.0,
            extra_hours: base + 3.0,
            person_hours_cut_off: base + 4.0,
            person_hours_stranded: base + 5.0,
        };
        ReplicationOutcome {
            replication: 0,
            installs: vec![50.0],
            holders_before: vec![200.0],
            below_full_at_end: false,
            full_again: Vec::new(),
            people_ever_cut_off: vec![vec![6.0, 7.0], vec![8.0, 9.0]],
            union: Some(crate::engine::UnionDamage {
                cut_off: vec![30.0, 50.0],
                stranded: None,
                people_ever_cut_off: vec![10.0, 12.0],
            }),
            services: vec![
                ServiceDamage {
                    by_segment: vec![damage(10.0), damage(20.0)],
                    peak_cut_off_share: 0.25,
                    peak_stranded_share: 0.0625,
                    pairwise: Some(PairwiseDamage {
                        ties_cut_peak_share: 0.5,
                        reachable_min_share: 0.125,
                    }),
                },
                ServiceDamage {
                    by_segment: vec![damage(100.0), damage(200.0)],
                    peak_cut_off_share: 0.75,
                    peak_stranded_share: 0.375,
                    pairwise: None,
                },
            ],
            daily: Vec::new(),
            series: Series {
                cut_off_share: vec![vec![0.1, 0.2], vec![0.3, 0.4]],
                reachable_share: vec![Some(vec![0.9, 0.8]), None],
                capacity: vec![vec![0.0, 1.0], vec![0.5, 1.0], vec![1.0, 1.0]],
            },
        }
    }

    #[test]
    fn every_registered_metric_has_its_value_and_unit() {
        let scenario = scenario();
        let outcome = outcome();
        let columns = columns(&scenario);
        // The scenario has a metric of every family, so this checks them all.
        for family in FAMILIES {
            assert!(
                columns.iter().any(|c| c.family == family),
                "no {}",
                family.name
            );
        }
        let value: std::collections::BTreeMap<String, f64> = names(&scenario)
            .into_iter()
            .zip(values(&scenario, &outcome))
            .collect();
        // Closed forms from the outcome: segments (10, 20) of messaging and (100, 200) of payments;
        // unmet = base + 1, delayed + 2, extra + 3, cut off + 4, stranded + 5; loss = unmet × value + extra × 7.
        let loss = |base: f64, value: f64| (base + 1.0) * value + (base + 3.0) * 7.0;
        let expected = [
            ("unmet_needs.messaging", 11.0 + 21.0),
            ("delayed_needs.messaging", 12.0 + 22.0),
            ("person_hours_cut_off.messaging", 14.0 + 24.0),
            ("peak_cut_off_share.messaging", 0.25),
            ("extra_hours.messaging", 13.0 + 23.0),
            ("economic_loss.messaging", loss(10.0, 3.0) + loss(20.0, 3.0)),
            ("unmet_needs.payments", 101.0 + 201.0),
            ("delayed_needs.payments", 102.0 + 202.0),
            ("peak_cut_off_share.payments", 0.75),
            ("person_hours_stranded.messaging", 15.0 + 25.0),
            ("peak_stranded_share.messaging", 0.0625),
            ("peak_stranded_share.payments", 0.375),
            ("person_hours_stranded.total", 40.0 + 105.0 + 205.0),
            ("person_hours_stranded.payments.by_segment.old", 205.0),
            ("person_hours_cut_off.any", 80.0),
            ("person_hours_cut_off.any.by_segment.old", 50.0),
            ("people_ever_cut_off.messaging", 13.0),
            ("people_ever_cut_off.payments.by_segment.old", 9.0),
            ("people_ever_cut_off.any", 22.0),
            ("people_ever_cut_off.any.by_segment.young", 10.0),
            ("extra_hours.payments", 103.0 + 203.0),
            ("ties_cut_peak_share.messaging", 0.5),
            ("reachable_min_share.messaging", 0.125),
            ("unmet_needs.total", 32.0 + 302.0),
            ("person_hours_cut_off.total", 38.0 + 308.0),
            (
                "economic_loss.total",
                loss(10.0, 3.0) + loss(20.0, 3.0) + loss(100.0, 11.0) + loss(200.0, 11.0),
            ),
            ("installs.rival", 50.0),
            ("platform_share_before.rival", 0.1),
            ("platform_share_after.rival", 0.125),
            ("unmet_needs.payments.by_segment.old", 201.0),
            ("unmet_needs.total.by_segment.young", 11.0 + 101.0),
            ("person_hours_cut_off.messaging.by_segment.young", 14.0),
            ("person_hours_cut_off.total.by_segment.old", 24.0 + 204.0),
            ("economic_loss.payments.by_segment.young", loss(100.0, 11.0)),
            (
                "economic_loss.total.by_segment.old",
                loss(20.0, 3.0) + loss(200.0, 11.0),
            ),
        ];
        for (name, want) in expected {
            let got = value[name];
            assert!(
                (got - want).abs() <= 1e-9 * want.abs(),
                "{name}: {got}, want {want}"
            );
        }
        // Every unit is the family's; shares are shares.
        for column in &columns {
            let unit = column.family.unit;
            if column.name.contains("share") {
                assert_eq!(unit, Unit::Share, "{}", column.name);
            }
            if column.name.starts_with("economic_loss") {
                assert_eq!(unit, Unit::Money);
            }
        }
        // Series come from the typed outcome, in the order of their names.
        let steps: Vec<&[f64]> = series(&scenario)
            .iter()
            .map(|s| s.steps(&outcome))
            .collect();
        assert_eq!(
            steps,
            [
                &[0.1, 0.2][..],
                &[0.3, 0.4],
                &[0.9, 0.8],
                &[0.0, 1.0],
                &[0.5, 1.0],
                &[1.0, 1.0]
            ]
        );
    }

    #[test]
    fn unknown_metrics_are_named_with_what_exists() {
        let scenario = scenario();
        assert_eq!(
            find(&scenario, "economic_loss.total").map(|c| c.subject),
            Ok(Subject::Total)
        );
        let why = find(&scenario, "economic_loss.taxi").expect_err("no taxi");
        assert!(
            why.contains("economic_loss.messaging") && why.contains("economic_loss.total"),
            "{why}"
        );
        let why = find(&scenario, "losses.total").expect_err("no family");
        assert!(
            why.contains("installs") && why.contains("economic_loss.total"),
            "{why}"
        );
        assert_eq!(headline(&scenario), "economic_loss.total");
    }
}
