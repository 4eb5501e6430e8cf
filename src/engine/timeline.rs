//! One replication's node timelines: which nodes the events hold down and when, and from that,
//! in dependency order, when each node is up (restore delays, redundancy groups with failover,
//! primaries with their standbys) and what capacity it has (ramps, and the capacity of what it depends on).

use rand::RngExt;

use super::intervals::Intervals;
use crate::scenario::{GroupMode, RedundancyGroup, Requirement, Scenario};
use crate::streams::{Domain, StreamKey, key_of, stream};

/// One stretch of time in which a node is up, ramping from `ramp_start` over `ramp_hours`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpSpan {
    pub start: f64,
    pub end: f64,
    pub ramp_start: f64,
    pub ramp_hours: f64,
}

impl UpSpan {
    /// The node's own ramp factor at `t` (1 once ramped, or with no ramp).
    fn ramp_at(&self, t: f64) -> f64 {
        if self.ramp_hours <= 0.0 {
            1.0
        } else {
            ((t - self.ramp_start) / self.ramp_hours).clamp(0.0, 1.0)
        }
    }
}

/// Node timelines of one replication.
#[derive(Debug, Clone)]
pub struct Timelines {
    pub up: Vec<Vec<UpSpan>>,
    /// For each node, for each `depends_on` item, when the requirement holds (groups only; plain
    /// requirements hold when the node they name is up).
    pub group_holds: Vec<Vec<Option<Intervals>>>,
}

/// Pieces each linear ramp is cut into, so that capacity is near-constant within a slice.
pub const RAMP_PIECES: usize = 12;

/// When each event holds each node down, for replication `replication`.
pub fn event_holds(scenario: &Scenario, replication: u64, horizon: f64) -> Vec<Intervals> {
    let mut raw: Vec<Vec<(f64, f64)>> = vec![Vec::new(); scenario.nodes.len()];
    for event in &scenario.events {
        // Always draw all three numbers, so that changing the probability leaves the timing of
        // the replications in which the event happens unchanged (common random numbers).
        let mut rng = stream(
            scenario.run.seed,
            replication,
            Domain::Event,
            key_of(&event.id),
        );
        let happens = rng.random::<f64>() < event.probability;
        let start = event.at_hour.sample(&mut rng);
        let duration = event.duration_hours.sample(&mut rng);
        if happens && start < horizon && duration > 0.0 {
            for &node in &event.fails {
                raw[node].push((start, (start + duration).min(horizon)));
            }
        }
    }
    raw.into_iter().map(Intervals::from_unsorted).collect()
}

/// Computes every node's timeline in dependency order.
///
/// `horizon` may reach past the run's: deferred needs wait for recoveries after it.
pub fn compute(
    scenario: &Scenario,
    dependency_order: &[usize],
    replication: u64,
    horizon: f64,
) -> Timelines {
    let holds = event_holds(scenario, replication, horizon);
    let nodes = scenario.nodes.len();
    let mut up: Vec<Vec<UpSpan>> = vec![Vec::new(); nodes];
    let mut down: Vec<Intervals> = vec![Intervals::empty(); nodes];
    let mut group_holds: Vec<Vec<Option<Intervals>>> = vec![Vec::new(); nodes];
    for &node in dependency_order {
        let spec = &scenario.nodes[node];
        let mut rng = stream(
            scenario.run.seed,
            replication,
            Domain::NodeRestore,
            key_of(&spec.id),
        );
        let mut blocked = holds[node].clone();
        let mut groups = Vec::with_capacity(spec.requires.len());
        for (position, requirement) in spec.requires.iter().enumerate() {
            match requirement {
                Requirement::Node(dep) => {
                    blocked = blocked.union(&down[*dep]);
                    groups.push(None);
                }
                Requirement::Group(group) => {
                    let holding = match group.mode {
                        GroupMode::AnyOf => group_holding(group, &up, horizon, &mut rng),
                        GroupMode::Standby => {
                            let key =
                                StreamKey::new(scenario.run.seed, replication, Domain::Failover)
                                    .then_id(&spec.id)
                                    .then(position as u64);
                            standby_holding(group, key, &up, horizon)
                        }
                    };
                    blocked = blocked.union(&holding.complement(horizon));
                    groups.push(Some(holding));
                }
            }
        }
        let spans = up_spans(&blocked.complement(horizon), spec, &mut rng);
        down[node] = Intervals::from_unsorted(spans.iter().map(|s| (s.start, s.end)).collect())
            .complement(horizon);
        up[node] = spans;
        group_holds[node] = groups;
    }
    Timelines { up, group_holds }
}

/// Up spans from the times the node's causes are clear: a node clear from hour 0 is up from the
/// start at full capacity; after each outage it comes back `restore_hours` after its causes clear
/// (if they stay clear that long) and ramps up over `ramp_hours`, both drawn per outage.
fn up_spans<R: rand::Rng>(
    clear: &Intervals,
    spec: &crate::scenario::Node,
    rng: &mut R,
) -> Vec<UpSpan> {
    let mut spans = Vec::with_capacity(clear.spans().len());
    for &(start, end) in clear.spans() {
        if start <= 0.0 {
            spans.push(UpSpan {
                start,
                end,
                ramp_start: start,
                ramp_hours: 0.0,
            });
            continue;
        }
        let restore = spec.restore_hours.sample(rng);
        let ramp = spec.ramp_hours.sample(rng);
        let back = start + restore;
        if back < end {
            spans.push(UpSpan {
                start: back,
                end,
                ramp_start: back,
                ramp_hours: ramp,
            });
        }
    }
    spans
}

/// When a primary/standby group holds: while the primary is up; and while the primary is down
/// and the standby up, from `failover_hours` after the start of each such stretch when that
/// stretch's failover works (one draw per stretch, from `key` and the stretch's number). The
/// group fails back to the primary the moment it is up again; a failed failover leaves the group
/// out until then. The standby alone going down changes nothing while the primary is up.
fn standby_holding(
    group: &RedundancyGroup,
    key: StreamKey,
    up: &[Vec<UpSpan>],
    horizon: f64,
) -> Intervals {
    let up_of =
        |node: usize| Intervals::from_unsorted(up[node].iter().map(|s| (s.start, s.end)).collect());
    let primary = up_of(group.members[0]);
    let standby_down = up_of(group.members[1]).complement(horizon);
    // Primary down and standby up: the complement of (primary up or standby down).
    let standby_needed = primary.union(&standby_down).complement(horizon);
    let mut holding = primary.spans().to_vec();
    for (occurrence, &(start, end)) in standby_needed.spans().iter().enumerate() {
        let mut rng = key.then(occurrence as u64).stream();
        let works = rng.random::<f64>() < group.failover_success;
        let from = start + group.failover_hours;
        if works && from < end {
            holding.push((from, end));
        }
    }
    Intervals::from_unsorted(holding)
}

/// When a redundancy group holds: at least `need` members up, except for `failover_hours` after
/// a member goes down while the group held; each such failover works with `failover_success`,
/// and when it does not, the group waits for that member to come back.
fn group_holding<R: rand::Rng>(
    group: &RedundancyGroup,
    up: &[Vec<UpSpan>],
    horizon: f64,
    rng: &mut R,
) -> Intervals {
    // (time, member, came_up); ups sort before downs at the same instant.
    let mut changes: Vec<(f64, usize, bool)> = Vec::new();
    let mut member_up = vec![false; group.members.len()];
    for (slot, &member) in group.members.iter().enumerate() {
        for span in &up[member] {
            if span.start <= 0.0 {
                member_up[slot] = true;
            } else {
                changes.push((span.start, slot, true));
            }
            if span.end < horizon {
                changes.push((span.end, slot, false));
            }
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    let mut count = member_up.iter().filter(|u| **u).count();
    let mut blocked_until = 0.0_f64;
    let mut waiting_for: Option<usize> = None;
    let holds = |count: usize,
                 t: f64,
                 blocked_until: f64,
                 waiting_for: Option<usize>,
                 member_up: &[bool]| {
        count >= group.need && t >= blocked_until && waiting_for.is_none_or(|m| member_up[m])
    };
    let mut holding: Vec<(f64, f64)> = Vec::new();
    let mut since: Option<f64> =
        holds(count, 0.0, blocked_until, waiting_for, &member_up).then_some(0.0);
    let mut index = 0;
    let mut t = 0.0;
    loop {
        let next_change = changes.get(index).map_or(horizon, |c| c.0);
        // A failover window may end before the next member change.
        let next = if blocked_until > t && blocked_until < next_change {
            blocked_until
        } else {
            next_change
        };
        if next >= horizon {
            break;
        }
        t = next;
        while let Some(&(time, slot, came_up)) = changes.get(index) {
            if time > t {
                break;
            }
            index += 1;
            if came_up {
                member_up[slot] = true;
                count += 1;
                if waiting_for == Some(slot) {
                    waiting_for = None;
                }
            } else {
                let would_hold = count >= group.need && waiting_for.is_none_or(|m| member_up[m]);
                member_up[slot] = false;
                count -= 1;
                if would_hold && count >= group.need {
                    // Draw only when a failover is needed; the number of draws follows the
                    // timeline, which is itself a function of this replication's streams.
                    blocked_until = t + group.failover_hours;
                    if rng.random::<f64>() >= group.failover_success {
                        waiting_for = Some(slot);
                    }
                }
            }
        }
        let now = holds(count, t, blocked_until, waiting_for, &member_up);
        match (since, now) {
            (None, true) => since = Some(t),
            (Some(start), false) => {
                holding.push((start, t));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(start) = since {
        holding.push((start, horizon));
    }
    Intervals::from_unsorted(holding)
}

impl Timelines {
    /// Change points of all nodes in `[0, horizon]`, ramps cut into [`RAMP_PIECES`].
    pub fn change_points(&self, horizon: f64) -> Vec<f64> {
        let mut points = Vec::new();
        for spans in &self.up {
            for span in spans {
                points.push(span.start);
                points.push(span.end);
                if span.ramp_hours > 0.0 {
                    for piece in 1..=RAMP_PIECES {
                        let t =
                            span.ramp_start + span.ramp_hours * piece as f64 / RAMP_PIECES as f64;
                        if t < span.end {
                            points.push(t);
                        }
                    }
                }
            }
        }
        points.retain(|t| *t > 0.0 && *t < horizon);
        points
    }

    /// Whether `node` is up at `t`.
    fn is_up(&self, node: usize, t: f64) -> bool {
        self.up[node].iter().any(|s| s.start <= t && t < s.end)
    }

    /// When `node` is next up at or after `t` (`t` itself when it is up then); infinite when it
    /// stays down to the end of the timelines.
    pub fn next_up(&self, node: usize, t: f64) -> f64 {
        self.up[node]
            .iter()
            .find(|span| span.end > t)
            .map_or(f64::INFINITY, |span| span.start.max(t))
    }

    /// Every node's capacity at time `t`, written into `capacity` (indexed by node): 0 when down;
    /// when up, the smallest of its own ramp and the capacity of what it requires (for a group,
    /// the `need`-th best member).
    pub fn capacities_at(
        &self,
        scenario: &Scenario,
        dependency_order: &[usize],
        t: f64,
        capacity: &mut [f64],
        scratch: &mut Vec<f64>,
    ) {
        for &node in dependency_order {
            let span = self.up[node].iter().find(|s| s.start <= t && t < s.end);
            let Some(span) = span else {
                capacity[node] = 0.0;
                continue;
            };
            let mut value = span.ramp_at(t);
            for (position, requirement) in scenario.nodes[node].requires.iter().enumerate() {
                let required = match requirement {
                    Requirement::Node(dep) => capacity[*dep],
                    Requirement::Group(group) => {
                        let holds = self.group_holds[node][position]
                            .as_ref()
                            .is_some_and(|h| h.contains(t));
                        if holds && group.mode == GroupMode::Standby {
                            // The primary serves whenever it is up; the standby only otherwise.
                            let primary = group.members[0];
                            if self.is_up(primary, t) {
                                capacity[primary]
                            } else {
                                capacity[group.members[1]]
                            }
                        } else if holds {
                            scratch.clear();
                            scratch.extend(group.members.iter().map(|&m| capacity[m]));
                            scratch.sort_by(|a, b| b.total_cmp(a));
                            scratch.get(group.need - 1).copied().unwrap_or(0.0)
                        } else {
                            0.0
                        }
                    }
                };
                value = value.min(required);
            }
            capacity[node] = value;
        }
    }
}
