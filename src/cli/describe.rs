//! Text the commands print: what `check` found, the DOT of `graph`, and the closing lines of
//! `run`.

use std::fmt::Write as _;
use std::path::Path;

use concrisk::results::Summary;
use concrisk::results::registry::{Family, PERSON_HOURS_CUT_OFF, UNMET_NEEDS};
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

/// Where the files went and the headline figures.
pub fn run_report(summary: &Summary, out: &Path) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: {} replications, {} agents for {} people, seed {}",
        summary.scenario, summary.replications, summary.agents, summary.population, summary.seed
    );
    let headline = summary.headline();
    let others = [&UNMET_NEEDS, &PERSON_HOURS_CUT_OFF]
        .into_iter()
        .filter_map(Family::total_name)
        .filter(|n| *n != headline);
    for name in std::iter::once(headline.clone()).chain(others) {
        if let Some(metric) = summary.metrics.get(&name) {
            let _ = writeln!(
                text,
                "  {name:<28} mean {:>14.0}  p95 {:>14.0}",
                metric.stats.mean, metric.stats.p95
            );
        }
    }
    let _ = writeln!(
        text,
        "wrote {}/: report.html, plots/, summary.json, replications.csv, timeseries.csv, run.json",
        out.display()
    );
    text
}
