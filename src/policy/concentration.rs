//! Concentration per service, from the world's agents (SCENARIO-SPEC section 3): a platform's
//! share is the share of people whose first platform channel it is, among people who have any
//! platform channel for the service; the Herfindahl–Hirschman index is 10 000 × Σ share²
//! (10 000/n for n equal platforms, 10 000 for a monopoly), by platform and by `owner`; and the
//! share of people with no alternative: exactly one platform channel and no offline channel open
//! to their segment (cash, a branch, a phone call count as alternatives, whatever their success:
//! the damage metrics weigh how well they serve).

use std::collections::BTreeMap;

use crate::scenario::Channel;
use crate::world::World;

/// The concentration of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConcentration {
    /// The service's id.
    pub service: String,
    /// Herfindahl–Hirschman index of the platforms' shares of the service's users (0–10 000).
    pub hhi_platforms: f64,
    /// The same index with platforms pooled by owner.
    pub hhi_owners: f64,
    /// Share of the whole population with no alternative: exactly one platform channel for the
    /// service and no offline channel open to their segment.
    pub no_alternative_share: f64,
    /// Share of people who use some platform for the service, by platform id (channel order).
    pub platform_shares: Vec<(String, f64)>,
}

/// 10 000 × Σ share² of shares that sum to 1 (0 when there are none).
pub fn hhi(shares: impl IntoIterator<Item = f64>) -> f64 {
    10_000.0 * shares.into_iter().map(|s| s * s).sum::<f64>()
}

/// Every service's concentration, in the scenario's order. Agents all stand for the same number
/// of people, so shares of agents are shares of people.
///
/// # Complexity
/// O(agents × platform channels) per service.
pub fn of(world: &World) -> Vec<ServiceConcentration> {
    let scenario = &world.scenario;
    let agents = world.people.count();
    scenario
        .services
        .iter()
        .map(|service| {
            let platforms: Vec<(usize, u64)> = service
                .channels
                .iter()
                .filter_map(|c| match c {
                    Channel::Platform(node) => Some((*node, 1u64 << world.platform_bit[*node]?)),
                    Channel::Offline(_) => None,
                })
                .collect();
            // Segments with an offline channel open to them have an alternative to any platform.
            let offline_open: Vec<bool> = (0..scenario.segments.len())
                .map(|g| {
                    service
                        .channels
                        .iter()
                        .any(|c| matches!(c, Channel::Offline(offline) if offline.open_to[g]))
                })
                .collect();
            let starts = &world.people.segment_starts;
            let mut first = vec![0u64; platforms.len()];
            let mut exactly_one = 0u64;
            for (agent, set) in world.people.platforms.iter().enumerate() {
                let mut held = platforms
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, b))| set & b != 0);
                if let Some((i, _)) = held.next() {
                    first[i] += 1;
                    if held.next().is_none() {
                        let segment = starts.partition_point(|&s| s <= agent as u64) - 1;
                        if !offline_open[segment] {
                            exactly_one += 1;
                        }
                    }
                }
            }
            let users: u64 = first.iter().sum();
            let share = |count: u64| {
                if users == 0 {
                    0.0
                } else {
                    count as f64 / users as f64
                }
            };
            let platform_shares: Vec<(String, f64)> = platforms
                .iter()
                .zip(&first)
                .map(|((node, _), count)| (scenario.nodes[*node].id.clone(), share(*count)))
                .collect();
            let mut by_owner: BTreeMap<&str, u64> = BTreeMap::new();
            for ((node, _), count) in platforms.iter().zip(&first) {
                let node = &scenario.nodes[*node];
                // A platform with no owner given is its own owner.
                let owner = if node.owner.is_empty() {
                    node.id.as_str()
                } else {
                    node.owner.as_str()
                };
                *by_owner.entry(owner).or_default() += count;
            }
            ServiceConcentration {
                service: service.id.clone(),
                hhi_platforms: hhi(first.iter().map(|c| share(*c))),
                hhi_owners: hhi(by_owner.values().map(|c| share(*c))),
                no_alternative_share: if agents == 0 {
                    0.0
                } else {
                    exactly_one as f64 / agents as f64
                },
                platform_shares,
            }
        })
        .collect()
}
