//! Named metrics (the contract of SCENARIO-SPEC section 3) from the engine's typed outcomes.

use crate::engine::{ReplicationOutcome, SegmentDamage};
use crate::scenario::Scenario;

/// The metric names of a scenario, in the order of `replications.csv`'s columns.
pub fn names(scenario: &Scenario) -> Vec<String> {
    let mut names = Vec::new();
    for service in &scenario.services {
        let s = &service.id;
        names.extend([
            format!("unmet_needs.{s}"),
            format!("delayed_needs.{s}"),
            format!("person_hours_cut_off.{s}"),
            format!("peak_cut_off_share.{s}"),
            format!("extra_hours.{s}"),
            format!("economic_loss.{s}"),
        ]);
    }
    for service in scenario.services.iter().filter(|s| s.pairwise) {
        names.push(format!("ties_cut_peak_share.{}", service.id));
        names.push(format!("reachable_min_share.{}", service.id));
    }
    names.extend(
        [
            "unmet_needs.total",
            "person_hours_cut_off.total",
            "economic_loss.total",
        ]
        .map(String::from),
    );
    for rule in &scenario.switching {
        let p = &scenario.nodes[rule.platform].id;
        names.extend([
            format!("installs.{p}"),
            format!("platform_share_before.{p}"),
            format!("platform_share_after.{p}"),
        ]);
    }
    for family in FAMILIES_BY_SEGMENT {
        for scope in scopes(scenario) {
            for segment in &scenario.segments {
                names.push(format!("{family}.{scope}.by_segment.{}", segment.id));
            }
        }
    }
    names
}

const FAMILIES_BY_SEGMENT: [&str; 3] = ["unmet_needs", "person_hours_cut_off", "economic_loss"];

fn scopes(scenario: &Scenario) -> impl Iterator<Item = &str> {
    scenario
        .services
        .iter()
        .map(|s| s.id.as_str())
        .chain(std::iter::once("total"))
}

/// One replication's metric values, in the order of [`names`].
pub fn values(scenario: &Scenario, outcome: &ReplicationOutcome) -> Vec<f64> {
    let segments = scenario.segments.len();
    let value_of_time = scenario.meta.value_of_time_per_hour;
    let loss = |service: usize, damage: &SegmentDamage| {
        damage.unmet_needs * scenario.services[service].value_per_unmet
            + damage.extra_hours * value_of_time
    };
    // [family][scope][segment], scope = services then total.
    let scopes = scenario.services.len() + 1;
    let mut by_segment = vec![vec![vec![0.0; segments]; scopes]; FAMILIES_BY_SEGMENT.len()];
    let mut values = Vec::new();
    for (s, damage) in outcome.services.iter().enumerate() {
        let sum = |f: &dyn Fn(&SegmentDamage) -> f64| damage.by_segment.iter().map(f).sum::<f64>();
        values.extend([
            sum(&|d| d.unmet_needs),
            sum(&|d| d.delayed_needs),
            sum(&|d| d.person_hours_cut_off),
            damage.peak_cut_off_share,
            sum(&|d| d.extra_hours),
            sum(&|d| loss(s, d)),
        ]);
        for (g, d) in damage.by_segment.iter().enumerate() {
            for (family, value) in [d.unmet_needs, d.person_hours_cut_off, loss(s, d)]
                .into_iter()
                .enumerate()
            {
                by_segment[family][s][g] = value;
                by_segment[family][scopes - 1][g] += value;
            }
        }
    }
    for pairwise in outcome.services.iter().filter_map(|s| s.pairwise) {
        values.extend([pairwise.ties_cut_peak_share, pairwise.reachable_min_share]);
    }
    for family in &by_segment {
        values.push(family[scopes - 1].iter().sum());
    }
    let population = scenario.population as f64;
    for (installs, before) in outcome.installs.iter().zip(&outcome.holders_before) {
        values.extend([
            *installs,
            before / population,
            (before + installs) / population,
        ]);
    }
    for family in by_segment {
        for scope in family {
            values.extend(scope);
        }
    }
    values
}

/// Names of the time series, in the order of the engine's `series`.
pub fn series_names(scenario: &Scenario) -> Vec<String> {
    scenario
        .services
        .iter()
        .map(|s| format!("cut_off_share.{}", s.id))
        .chain(
            scenario
                .services
                .iter()
                .filter(|s| s.pairwise)
                .map(|s| format!("reachable_share.{}", s.id)),
        )
        .chain(scenario.nodes.iter().map(|n| format!("capacity.{}", n.id)))
        .collect()
}

/// The metric that sums up a run: money lost when the scenario values damage in money, else
/// person-hours cut off.
pub fn headline(scenario: &Scenario) -> &'static str {
    if scenario.has_money_values() {
        "economic_loss.total"
    } else {
        "person_hours_cut_off.total"
    }
}
