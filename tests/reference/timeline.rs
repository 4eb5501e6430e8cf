//! The reference timeline: every node's state tick by tick, stepped forward like a clock, from the
//! words of ARCHITECTURE.md ("The model, precisely": events, nodes, redundancy groups). The fast
//! engine works on exact intervals instead; this one samples each tick at its middle, so every
//! change is known to within one tick.

use concrisk::scenario::{Event, GroupMode, RedundancyGroup, Requirement, Scenario};
use concrisk::streams::Domain;
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::shared_stream;

/// One drawn event: whether it happens and the span it holds its nodes down.
struct Drawn<'s> {
    event: &'s Event,
    happens: bool,
    at: f64,
    duration: f64,
}

impl Drawn<'_> {
    fn holds(&self, node: usize, time: f64) -> bool {
        self.happens
            && self.event.fails.contains(&node)
            && self.at <= time
            && time < self.at + self.duration
    }
}

/// Every node's state at the middle of every tick.
pub struct Timeline {
    pub dt: f64,
    /// `up[node][tick]`: the node has capacity above 0.
    pub up: Vec<Vec<bool>>,
    /// `capacity[node][tick]`: 0 when down, else the smallest of its own ramp and its
    /// requirements' capacities.
    pub capacity: Vec<Vec<f64>>,
}

/// What one redundancy group remembers from one tick to the next.
struct GroupState {
    held_before: bool,
    /// No hold before this time: a failover is under way.
    blocked_until: f64,
    /// After a failed failover, the members whose return the group waits for.
    waiting_for: Vec<usize>,
}

impl GroupState {
    fn new() -> GroupState {
        GroupState {
            held_before: false,
            blocked_until: f64::NEG_INFINITY,
            waiting_for: Vec::new(),
        }
    }

    /// A primary/standby group at tick `k`: "the group holds while the primary is up; when the
    /// primary is down and the standby up, a failover takes `failover_minutes` and works with
    /// `failover_success`; failed, the group is out until the primary is back". `blocked_until`
    /// is the end of the stretch's failover, `held_before` whether the tick before was already
    /// in the same stretch (primary down, standby up), and a failed failover sets it infinite.
    fn step_standby(
        &mut self,
        group: &RedundancyGroup,
        up: &[Vec<bool>],
        k: usize,
        (t0, mid): (f64, f64),
        rng: &mut Xoshiro256PlusPlus,
    ) -> bool {
        let (primary, standby) = (group.members[0], group.members[1]);
        if up[primary][k] {
            self.held_before = false;
            return true;
        }
        if !up[standby][k] {
            self.held_before = false;
            return false;
        }
        if !self.held_before {
            // A new stretch on the standby: fail over, once.
            self.held_before = true;
            let works = rng.random::<f64>() < group.failover_success;
            self.blocked_until = if works {
                t0 + group.failover_hours
            } else {
                f64::INFINITY
            };
        }
        mid >= self.blocked_until
    }

    /// Whether the group holds at tick `k` (start `t0`, middle `mid`), its members' states being
    /// known up to `k`.
    fn step(
        &mut self,
        group: &RedundancyGroup,
        up: &[Vec<bool>],
        k: usize,
        (t0, mid): (f64, f64),
        rng: &mut Xoshiro256PlusPlus,
    ) -> bool {
        let up_now = group.members.iter().filter(|&&m| up[m][k]).count();
        if k > 0 {
            let went_down: Vec<usize> = group
                .members
                .iter()
                .copied()
                .filter(|&m| up[m][k - 1] && !up[m][k])
                .collect();
            // "When a member goes down while the group holds and at least `need` members remain
            // up, a failover is needed." A member that goes down during a failover, or when too
            // few remain, starts none.
            if self.held_before && !went_down.is_empty() && up_now >= group.need {
                self.blocked_until = t0 + group.failover_hours;
                let works = rng.random::<f64>() < group.failover_success;
                if !works {
                    self.waiting_for = went_down;
                }
            }
        }
        self.waiting_for.retain(|&m| !up[m][k]);
        let holds =
            up_now >= group.need && mid >= self.blocked_until && self.waiting_for.is_empty();
        self.held_before = holds;
        holds
    }
}

/// The `need`-th largest member capacity at tick `k`.
fn group_capacity(group: &RedundancyGroup, capacity: &[Vec<f64>], k: usize) -> f64 {
    let mut members: Vec<f64> = group.members.iter().map(|&m| capacity[m][k]).collect();
    members.sort_by(|a, b| b.total_cmp(a));
    members[group.need - 1]
}

/// Nodes ordered so that each comes after everything it requires (found by repeated passes, not
/// taken from the world, so that this module stands alone).
fn dependency_order(scenario: &Scenario) -> Vec<usize> {
    let requires = |node: usize| -> Vec<usize> {
        scenario.nodes[node]
            .requires
            .iter()
            .flat_map(|r| match r {
                Requirement::Node(dep) => vec![*dep],
                Requirement::Group(group) => group.members.clone(),
            })
            .collect()
    };
    let mut placed = vec![false; scenario.nodes.len()];
    let mut order = Vec::new();
    while order.len() < scenario.nodes.len() {
        for node in 0..scenario.nodes.len() {
            if !placed[node] && requires(node).iter().all(|&dep| placed[dep]) {
                placed[node] = true;
                order.push(node);
            }
        }
    }
    order
}

/// Draws the events, then steps every node through `ticks` ticks of `dt` hours.
pub fn simulate(scenario: &Scenario, dt: f64, ticks: usize, replication: u64) -> Timeline {
    // Each event: a uniform for whether it happens, then its start, then its duration, from the
    // event's own stream (common random numbers with the engine; see `super::shared_stream`).
    let events: Vec<Drawn> = scenario
        .events
        .iter()
        .map(|event| {
            let mut rng = shared_stream(scenario, replication, Domain::Event, &event.id);
            let u = rng.random::<f64>();
            let at = event.at_hour.sample(&mut rng);
            let duration = event.duration_hours.sample(&mut rng);
            Drawn {
                event,
                happens: u < event.probability,
                at,
                duration,
            }
        })
        .collect();

    let nodes = scenario.nodes.len();
    let mut up = vec![vec![false; ticks]; nodes];
    let mut capacity = vec![vec![0.0; ticks]; nodes];
    for node in dependency_order(scenario) {
        let spec = &scenario.nodes[node];
        // The node's own stream: first every failover draw of its groups, group by group, then
        // its restore and ramp draws, outage by outage. The groups depend only on their members,
        // so they step through the whole timeline first.
        let mut rng = shared_stream(scenario, replication, Domain::NodeRestore, &spec.id);
        let group_holds: Vec<Option<Vec<bool>>> = spec
            .requires
            .iter()
            .map(|requirement| match requirement {
                Requirement::Node(_) => None,
                Requirement::Group(group) => {
                    let mut state = GroupState::new();
                    Some(
                        (0..ticks)
                            .map(|k| {
                                let t0 = k as f64 * dt;
                                let times = (t0, t0 + dt / 2.0);
                                match group.mode {
                                    GroupMode::AnyOf => state.step(group, &up, k, times, &mut rng),
                                    GroupMode::Standby => {
                                        state.step_standby(group, &up, k, times, &mut rng)
                                    }
                                }
                            })
                            .collect(),
                    )
                }
            })
            .collect();
        let mut clear_before = false;
        // The current clear spell: when the node comes up, and over how long it ramps.
        let mut up_at = f64::NEG_INFINITY;
        let mut ramp = 0.0;
        for k in 0..ticks {
            let t0 = k as f64 * dt;
            let mid = t0 + dt / 2.0;
            let mut clear = !events.iter().any(|e| e.holds(node, mid));
            let mut limit: f64 = 1.0;
            for (requirement, holds) in spec.requires.iter().zip(&group_holds) {
                match requirement {
                    Requirement::Node(dep) => {
                        clear &= up[*dep][k];
                        limit = limit.min(capacity[*dep][k]);
                    }
                    Requirement::Group(group) => {
                        clear &= holds.as_ref().is_some_and(|holds| holds[k]);
                        let serving = match group.mode {
                            GroupMode::AnyOf => group_capacity(group, &capacity, k),
                            // The primary serves while it is up, else the standby.
                            GroupMode::Standby if up[group.members[0]][k] => {
                                capacity[group.members[0]][k]
                            }
                            GroupMode::Standby => capacity[group.members[1]][k],
                        };
                        limit = limit.min(serving);
                    }
                }
            }
            if clear && !clear_before {
                if k == 0 {
                    // Clear from hour 0: up from hour 0 at full capacity, nothing drawn.
                    up_at = f64::NEG_INFINITY;
                    ramp = 0.0;
                } else {
                    // The causes cleared somewhere between the last tick's middle and this one's:
                    // the tick's start is the unbiased guess.
                    up_at = t0 + spec.restore_hours.sample(&mut rng);
                    ramp = spec.ramp_hours.sample(&mut rng);
                }
            }
            clear_before = clear;
            if clear && mid >= up_at {
                let own = if ramp > 0.0 {
                    ((mid - up_at) / ramp).min(1.0)
                } else {
                    1.0
                };
                up[node][k] = true;
                capacity[node][k] = own.min(limit);
            }
        }
    }
    Timeline { dt, up, capacity }
}
