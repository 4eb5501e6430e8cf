//! When each node was back: over the replications in which its capacity dropped, the percentiles
//! of the hour from which it was at full capacity to the horizon (`summary.json`'s
//! `nodes[].recovery`, the capacity figure's "back at").

use serde::{Deserialize, Serialize};

use crate::engine::ReplicationOutcome;

/// The return hours of one node, over the replications in which it dropped below full capacity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// Share of the replications in which the node dropped below full capacity at some time.
    pub share_down: f64,
    /// 5th percentile of the hour from which it was back at full capacity for the rest of the
    /// run (among the replications in which it dropped); `null` when fewer than 5 % were back by
    /// the horizon.
    pub p05: Option<f64>,
    /// The median return hour; `null` when fewer than half were back by the horizon.
    pub p50: Option<f64>,
    /// The 95th percentile; `null` when fewer than 95 % were back by the horizon.
    pub p95: Option<f64>,
}

impl Recovery {
    /// Per node, in node order: its recovery, `None` when it never dropped in any replication.
    pub fn of_nodes(
        nodes: usize,
        horizon: f64,
        outcomes: &[ReplicationOutcome],
    ) -> Vec<Option<Recovery>> {
        (0..nodes)
            .map(|node| {
                let returns: Vec<f64> = outcomes
                    .iter()
                    .filter_map(|o| o.full_again.get(node).copied().flatten())
                    .collect();
                Recovery::of(&returns, horizon, outcomes.len())
            })
            .collect()
    }

    /// From the return hours of the replications in which the node dropped (a return at the
    /// horizon or later is "not back by the end") out of `replications`.
    fn of(returns: &[f64], horizon: f64, replications: usize) -> Option<Recovery> {
        if returns.is_empty() {
            return None;
        }
        let mut sorted = returns.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Recovery {
            share_down: returns.len() as f64 / replications.max(1) as f64,
            p05: quantile_back(&sorted, horizon, 0.05),
            p50: quantile_back(&sorted, horizon, 0.5),
            p95: quantile_back(&sorted, horizon, 0.95),
        })
    }
}

/// The `q` quantile (linear interpolation between order statistics, as `results::quantile`) of
/// sorted return hours, `None` when it involves a replication not back by the horizon: its
/// return hour is unknown, only later than the horizon.
fn quantile_back(sorted: &[f64], horizon: f64, q: f64) -> Option<f64> {
    let position = q * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    let back = |i: usize| sorted.get(i).copied().filter(|&h| h < horizon);
    let (a, b) = (back(low)?, back(high)?);
    Some(a + (b - a) * (position - low as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_the_replications_that_went_down() {
        // Ten of twenty replications went down; returns 1, 2, …, 10 hours.
        let returns: Vec<f64> = (1..=10).map(f64::from).collect();
        let r = Recovery::of(&returns, 24.0, 20).expect("went down");
        assert_eq!(r.share_down, 0.5);
        // Positions 0.45, 4.5 and 8.55 among ten.
        assert!((r.p05.unwrap_or(0.0) - 1.45).abs() < 1e-12);
        assert!((r.p50.unwrap_or(0.0) - 5.5).abs() < 1e-12);
        assert!((r.p95.unwrap_or(0.0) - 9.55).abs() < 1e-12);
        assert_eq!(Recovery::of(&[], 24.0, 20), None);
    }

    #[test]
    fn a_quantile_that_needs_a_replication_not_back_is_unknown() {
        // Ten returns, the last two at the horizon (still down at the end).
        let mut returns: Vec<f64> = (1..=8).map(f64::from).collect();
        returns.extend([24.0, 24.0]);
        let r = Recovery::of(&returns, 24.0, 10).expect("went down");
        assert!(r.p50.is_some());
        // Position 8.55 interpolates toward a replication not back: unknown, not a made-up hour.
        assert_eq!(r.p95, None);
    }
}
