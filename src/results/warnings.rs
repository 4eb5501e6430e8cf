//! Warnings about how far a run's numbers can be trusted: damage cut short by the horizon, too
//! few replications for their standard errors, segments with too few agents for their people.
//! Printed by the terminal, written to `summary.json` (`warnings`) and shown on the page.

use serde::{Deserialize, Serialize};

use crate::scenario::{Requirement, Scenario};

/// One warning: its kind (stable, for scripts) and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// `horizon`, `replications` or `few_agents`.
    pub kind: String,
    /// What happened and what to do about it, in one or two sentences.
    pub message: String,
}

/// Below this many replications a standard error is itself too uncertain to trust (its relative
/// error is about 1/√(2(n − 1)), 13 % at 30) and the 5th/95th percentiles rest on one or two
/// replications.
pub const MIN_REPLICATIONS: u64 = 30;

/// A segment simulated by fewer agents than this is "few": each agent's platforms are drawn
/// once, so a share among a segment's n agents (who holds a platform, who is cut off) is off by
/// up to 0.5/√n, more than 2.5 percentage points below 400 agents — and every per-segment
/// figure carries that error, whatever the number of replications.
pub const MIN_SEGMENT_AGENTS: u64 = 400;

/// The latest hour at which any node can still be below full capacity (down, restoring or
/// ramping), over every draw the scenario allows; infinity when a distribution involved is
/// unbounded above, 0 when nothing can fail.
///
/// Nodes in dependency order: a node's causes can last until the latest end of an event that
/// holds it, the latest return of a plain requirement, or for a redundancy group the latest
/// return of a member plus its failover; it then restores (`restore_hours`, at most its largest
/// value) and ramps; its capacity is also limited by its requirements' capacities.
pub fn latest_recovery(scenario: &Scenario) -> f64 {
    let nodes = scenario.nodes.len();
    let largest = |d: &crate::scenario::Distribution| d.upper_bound().unwrap_or(f64::INFINITY);
    // Per node: the latest end of the events that hold it (0: no event does).
    let mut held_until = vec![0.0_f64; nodes];
    for event in scenario.events.iter().filter(|e| e.probability > 0.0) {
        let end = largest(&event.at_hour) + largest(&event.duration_hours);
        for &node in &event.fails {
            held_until[node] = held_until[node].max(end);
        }
    }
    // `up[n]`: latest time n is up again; `full[n]`: latest time its capacity is 1 again.
    let mut up = vec![0.0_f64; nodes];
    let mut full = vec![0.0_f64; nodes];
    for &n in scenario.dependencies.order() {
        let node = &scenario.nodes[n];
        let mut clear = held_until[n];
        let mut limited = 0.0_f64;
        for requirement in &node.requires {
            match requirement {
                Requirement::Node(dep) => {
                    clear = clear.max(up[*dep]);
                    limited = limited.max(full[*dep]);
                }
                Requirement::Group(group) => {
                    let members_up = group.members.iter().map(|&m| up[m]).fold(0.0, f64::max);
                    if members_up > 0.0 {
                        clear = clear.max(members_up + group.failover_hours);
                    }
                    limited =
                        limited.max(group.members.iter().map(|&m| full[m]).fold(0.0, f64::max));
                }
            }
        }
        if clear > 0.0 {
            up[n] = clear + largest(&node.restore_hours);
            full[n] = up[n] + largest(&node.ramp_hours);
        }
        full[n] = full[n].max(limited);
    }
    full.into_iter().fold(0.0, f64::max)
}

/// Whether some draw of the scenario leaves a node below full capacity at the horizon.
pub fn can_pass_horizon(scenario: &Scenario) -> bool {
    latest_recovery(scenario) > scenario.run.horizon_hours
}

/// The run's warnings. `still_down_share` is the share of replications in which some node was
/// below full capacity at the horizon.
pub fn of(scenario: &Scenario, replications: u64, still_down_share: f64) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let horizon = scenario.run.horizon_hours;
    if can_pass_horizon(scenario) {
        let latest = latest_recovery(scenario);
        let reach = if latest.is_finite() {
            format!("as late as hour {}", number(latest))
        } else {
            "without bound (a distribution unbounded above)".to_string()
        };
        warnings.push(Warning {
            kind: "horizon".into(),
            message: format!(
                "An outage can last past the horizon ({} h): recovery can take {reach}. In {} % of \
                 the replications something was still down or ramping at the end, and damage \
                 after the horizon is not counted; lengthen `[run] horizon_hours` to count it.",
                number(horizon),
                number(100.0 * still_down_share),
            ),
        });
    }
    if replications < MIN_REPLICATIONS {
        warnings.push(Warning {
            kind: "replications".into(),
            message: format!(
                "Only {replications} replication{}: below {MIN_REPLICATIONS} the standard errors \
                 and the 5–95 % ranges are themselves unreliable{}. Use `--replications` of at \
                 least {MIN_REPLICATIONS}.",
                if replications == 1 { "" } else { "s" },
                if replications < 2 {
                    " (with one, there is no spread at all: p95 equals the mean)"
                } else {
                    ""
                },
            ),
        });
    }
    let starts = &scenario.segments;
    let agents = scenario.run.agents;
    let scale = scenario.scale();
    for segment in starts {
        let segment_agents = (segment.share * agents as f64).round() as u64;
        if segment_agents < MIN_SEGMENT_AGENTS {
            let error = 0.5 / (segment_agents.max(1) as f64).sqrt();
            warnings.push(Warning {
                kind: "few_agents".into(),
                message: format!(
                    "Segment {} has about {segment_agents} agents for {} people (each stands for \
                     {}): its shares are off by up to {} percentage points, whatever the \
                     replications. Raise `--agents` so that it has at least {MIN_SEGMENT_AGENTS}.",
                    segment.id,
                    number(segment.share * scenario.population as f64),
                    number(scale),
                    number(100.0 * error),
                ),
            });
        }
    }
    warnings
}

/// A number in a warning: whole numbers with thousands separators, others with one decimal
/// (two below 1), so that a sentence never carries 15 digits.
fn number(x: f64) -> String {
    if x.abs() >= 100.0 || x.fract() == 0.0 {
        let digits = format!("{:.0}", x.abs());
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if x < 0.0 {
            format!("\u{2212}{out}")
        } else {
            out
        }
    } else if x.abs() >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}
