//! Text the commands print: what `check` found, the DOT of `graph`, and the closing lines of
//! `run`.

use std::fmt::Write as _;
use std::path::Path;

use concrisk::results::summary::Metric;
use concrisk::results::{Summary, Unit};
use concrisk::scenario::{Channel, Layer, Requirement, Scenario, Variant};
use concrisk::world::World;

/// What the world holds: nodes, edges, segments, adoption as drawn, services and events; then the
/// variants, each checked.
pub fn check_report(world: &World, variants: &[&Variant]) -> String {
    let scenario = &world.scenario;
    let mut out = String::new();
    let run = &scenario.run;
    let _ = writeln!(out, "{}: OK — {}", scenario.file, scenario.meta.name);
    let _ = writeln!(
        out,
        "population {} ({} agents, 1 agent = {:.2} people); horizon {} h from {:02}:00; {} replications, seed {}",
        scenario.population,
        run.agents,
        scenario.scale(),
        run.horizon_hours,
        run.start_hour as u32,
        run.replications,
        run.seed
    );
    let _ = writeln!(out, "\nsegments:");
    for (g, segment) in scenario.segments.iter().enumerate() {
        let agents = world.people.segment_starts[g + 1] - world.people.segment_starts[g];
        let _ = writeln!(
            out,
            "  {:<20} share {:.4}  agents {agents}",
            segment.id, segment.share
        );
    }
    let edges = scenario.dependencies.edge_count();
    let _ = writeln!(
        out,
        "\nnodes ({}, {edges} dependency edges):",
        scenario.nodes.len()
    );
    for node in &scenario.nodes {
        let layer = match node.layer {
            Layer::Infrastructure => "infrastructure",
            Layer::Platform => "platform",
        };
        let requires: Vec<String> = node
            .requires
            .iter()
            .map(|r| requirement_text(scenario, r))
            .collect();
        let _ = writeln!(
            out,
            "  {:<22} {layer:<14} {:<12} depends on: {}",
            node.id,
            node.kind,
            if requires.is_empty() {
                "-".to_string()
            } else {
                requires.join(", ")
            }
        );
    }
    let _ = writeln!(
        out,
        "\nadoption (share of agents holding each platform, as drawn):"
    );
    let agents = world.people.count().max(1) as f64;
    for node in scenario.platform_nodes() {
        if let Some(bit) = world.platform_bit[node] {
            let holders = world
                .people
                .platforms
                .iter()
                .filter(|set| *set & (1 << bit) != 0)
                .count();
            let _ = writeln!(
                out,
                "  {:<22} {:>6.2} %",
                scenario.nodes[node].id,
                100.0 * holders as f64 / agents
            );
        }
    }
    let _ = writeln!(out, "\nservices:");
    for (service, classes) in scenario.services.iter().zip(&world.service_classes) {
        let channels: Vec<String> = service
            .channels
            .iter()
            .map(|c| match c {
                Channel::Platform(n) => scenario.nodes[*n].id.clone(),
                Channel::Offline(o) => format!("offline:{}", o.name),
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<14} channels: {}  ({} classes of agents)",
            service.id,
            channels.join(" > "),
            classes.len()
        );
    }
    let _ = writeln!(out, "\nevents:");
    for event in &scenario.events {
        let fails: Vec<&str> = event
            .fails
            .iter()
            .map(|&n| scenario.nodes[n].id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  {:<16} fails {}  at ~{:.1} h for ~{:.1} h (mean), probability {}",
            event.id,
            fails.join(", "),
            event.at_hour.mean(),
            event.duration_hours.mean(),
            event.probability
        );
    }
    if !variants.is_empty() {
        let _ = writeln!(out, "\nvariants (each checked):");
        for variant in variants {
            let _ = writeln!(
                out,
                "  {:<20} sets {}",
                variant.name,
                variant.paths.join(", ")
            );
        }
    }
    out
}

fn requirement_text(scenario: &Scenario, requirement: &Requirement) -> String {
    match requirement {
        Requirement::Node(n) => scenario.nodes[*n].id.clone(),
        Requirement::Group(g) => {
            let members: Vec<&str> = g
                .members
                .iter()
                .map(|&m| scenario.nodes[m].id.as_str())
                .collect();
            format!("{} of [{}]", g.need, members.join(" | "))
        }
    }
}

/// The dependency graph in Graphviz DOT: infrastructure as boxes, platforms as ellipses, nodes an
/// event fails filled red, redundancy-group edges dashed.
pub fn dot(scenario: &Scenario) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph concrisk {{");
    let _ = writeln!(out, "  label={};", quote(&scenario.meta.name));
    let _ = writeln!(out, "  rankdir=BT;");
    for (n, node) in scenario.nodes.iter().enumerate() {
        let shape = if node.layer == Layer::Infrastructure {
            "box"
        } else {
            "ellipse"
        };
        let failed = scenario.events.iter().any(|e| e.fails.contains(&n));
        let fill = if failed {
            ", style=filled, fillcolor=\"#D55E00\", fontcolor=white"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape={shape}{fill}];",
            quote(&node.id),
            quote(&node.name)
        );
    }
    for node in &scenario.nodes {
        for requirement in &node.requires {
            match requirement {
                Requirement::Node(d) => {
                    let _ = writeln!(
                        out,
                        "  {} -> {};",
                        quote(&scenario.nodes[*d].id),
                        quote(&node.id)
                    );
                }
                Requirement::Group(g) => {
                    for &m in &g.members {
                        let _ = writeln!(
                            out,
                            "  {} -> {} [style=dashed, label={}];",
                            quote(&scenario.nodes[m].id),
                            quote(&node.id),
                            quote(&format!("{} of {}", g.need, g.members.len()))
                        );
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "}}");
    out
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Where the files went, the headline figures with their precision, and the warnings.
pub fn run_report(summary: &Summary, out: &Path) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: {} replications, {} agents for {} people, seed {}",
        summary.scenario,
        summary.replications,
        // Whole numbers, exact: a precision of 0 rounds to the unit.
        grouped(summary.agents as f64, 0.0),
        grouped(summary.population as f64, 0.0),
        summary.seed
    );
    let headline = summary.headline();
    let names = [
        headline.clone(),
        "unmet_needs.total".to_string(),
        "person_hours_cut_off.any".to_string(),
        "person_hours_stranded.any".to_string(),
        "person_hours_cut_off.total".to_string(),
        "person_hours_stranded.total".to_string(),
    ];
    let mut shown: Vec<&str> = Vec::new();
    for name in &names {
        if shown.contains(&name.as_str()) {
            continue;
        }
        // A sum over services is shown only where no union counts each person once.
        let union = name.replace(".total", ".any");
        if name.ends_with(".total")
            && name.starts_with("person_hours")
            && summary.metrics.contains_key(&union)
            && *name != headline
        {
            continue;
        }
        if let Some(metric) = summary.metrics.get(name) {
            shown.push(name);
            let _ = writeln!(text, "  {name}: {}", described(summary, name, metric));
            if let Some(line) = per_person(summary, name, metric.stats.mean) {
                let _ = writeln!(text, "    {line}");
            }
        }
    }
    for line in who_lost_it(summary) {
        let _ = writeln!(text, "  {line}");
    }
    for warning in &summary.warnings {
        let _ = writeln!(text, "warning ({}): {}", warning.kind, warning.message);
    }
    let _ = writeln!(
        text,
        "wrote {}/: report.html, plots/, summary.json, replications.csv, timeseries.csv, run.json",
        out.display()
    );
    text
}

/// What a metric measures, in the words of its family, then its mean with the standard error,
/// the 95 % interval of the mean and the 95th percentile, each rounded to what the run can tell.
fn described(summary: &Summary, name: &str, metric: &Metric) -> String {
    let stats = &metric.stats;
    let unit = metric.unit.unwrap_or(Unit::Count);
    // What the run can tell: the Monte Carlo standard error, or the error of drawing each
    // agent's platforms once (about 1/√agents of the value), whichever is larger.
    let precision = stats
        .se
        .max(stats.mean.abs() / (summary.agents.max(1) as f64).sqrt());
    let value = |x: f64| with_unit(x, precision, unit, &summary.currency);
    let words = match name {
        n if n.starts_with("person_hours_cut_off.any") => {
            " — lost their platform for at least one service, each person once"
        }
        n if n.starts_with("person_hours_stranded.any") => {
            " — no channel served a need of at least one service (cash, phone and other \
             fallbacks counted), each person once"
        }
        n if n.ends_with(".total") && n.starts_with("person_hours") => {
            " — summed over services: a person counts once per service"
        }
        _ => "",
    };
    format!(
        "mean {} (s.e. {}; 95 % interval of the mean {} to {}), p95 {}{words}",
        value(stats.mean),
        value(stats.se),
        value(stats.mean_lo),
        value(stats.mean_hi),
        value(stats.p95),
    )
}

/// For person-hours: hours per resident and per person of each segment.
fn per_person(summary: &Summary, name: &str, mean: f64) -> Option<String> {
    if !name.starts_with("person_hours") || summary.population == 0 {
        return None;
    }
    let population = summary.population as f64;
    let mut parts = vec![format!("{} h per resident", hours(mean / population))];
    for segment in &summary.segments {
        let by = format!("{name}.by_segment.{}", segment.id);
        if let (Some(metric), true) = (summary.metrics.get(&by), segment.share > 0.0) {
            parts.push(format!(
                "{} {} h per person",
                segment.id,
                hours(metric.stats.mean / (population * segment.share))
            ));
        }
    }
    Some(parts.join("; "))
}

/// Hours per person who lost each service's platform, and at least one service's, with how many
/// people lost it (`summary.json`'s `per_person_cut_off`).
fn who_lost_it(summary: &Summary) -> Vec<String> {
    let subjects = summary
        .services
        .iter()
        .map(|s| (s.id.clone(), s.display_name().to_string()))
        .chain(std::iter::once((
            "any".to_string(),
            "at least one service".to_string(),
        )));
    subjects
        .filter_map(|(id, name)| {
            let p = summary
                .per_person_cut_off
                .get(&format!("person_hours_cut_off.{id}"))?;
            // What the run can tell, as for every mean: the standard error, or the error of
            // drawing each agent's platforms once, whichever is larger.
            let agents = (summary.agents.max(1) as f64).sqrt();
            let people_se = summary
                .metrics
                .get(&format!("people_ever_cut_off.{id}"))
                .map_or(0.0, |m| m.stats.se);
            let h = |x: f64| grouped(x, p.se.max(p.mean / agents));
            Some(format!(
                "{} h per person who lost their platform for {name} ({} people; 95 % interval \
                 of the mean {} to {} h)",
                h(p.mean),
                grouped(p.people, people_se.max(p.people / agents)),
                h(p.mean_lo),
                h(p.mean_hi),
            ))
        })
        .collect()
}

/// Hours with two significant digits.
fn hours(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let digits = (1.0 - x.abs().log10().floor()).clamp(0.0, 6.0) as usize;
    format!("{x:.digits$}")
}

/// A value with its unit: money with the currency in front, person-hours and counts with
/// thousands separators, shares as percentages; rounded to two significant digits of
/// `precision`.
pub(super) fn with_unit(x: f64, precision: f64, unit: Unit, currency: &str) -> String {
    match unit {
        Unit::Share | Unit::Level => {
            let p = 100.0 * x;
            let step = step_of(100.0 * precision).min(0.1);
            let decimals = (-step.log10().floor()).clamp(1.0, 8.0) as usize;
            format!("{} %", signed(format!("{:.decimals$}", p.abs()), p))
        }
        Unit::Money if !currency.is_empty() => format!("{currency} {}", grouped(x, precision)),
        Unit::PersonHours => format!("{} person-hours", grouped(x, precision)),
        _ => grouped(x, precision),
    }
}

/// The rounding step that keeps two significant digits of `precision` (1 when it is 0).
fn step_of(precision: f64) -> f64 {
    if precision > 0.0 && precision.is_finite() {
        10f64.powf(precision.log10().floor() - 1.0)
    } else {
        1.0
    }
}

/// `x` rounded to the step of `precision`, with thousands separators and the minus sign.
fn grouped(x: f64, precision: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let step = step_of(precision).max(if precision > 0.0 { 0.0 } else { 1.0 });
    let rounded = (x / step).round() * step;
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let text = format!("{:.decimals$}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    signed(out, rounded)
}

/// The text of |x| with the minus sign (U+2212, as on the page) when x is negative.
fn signed(text: String, x: f64) -> String {
    if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_their_unit_separators_and_the_precision_the_run_supports() {
        // A standard error of 1.2 bn: two significant digits of it, no more.
        assert_eq!(
            with_unit(126_295_737_674.0, 1.2e9, Unit::Money, "KRW"),
            "KRW 126,300,000,000"
        );
        assert_eq!(
            with_unit(-15_312_345.0, 2.0e5, Unit::Money, "EUR"),
            "EUR \u{2212}15,310,000"
        );
        assert_eq!(
            with_unit(21_138_734.0, 0.0, Unit::PersonHours, ""),
            "21,138,734 person-hours"
        );
        assert_eq!(with_unit(1.3e-5, 1e-6, Unit::Share, ""), "0.00130 %");
        assert_eq!(with_unit(0.342, 0.004, Unit::Share, ""), "34.20 %");
        assert_eq!(grouped(0.35, 0.01), "0.350");
    }
}
