//! What one replication produces: damage by service and segment (already scaled to the real
//! population) and the per-step time series. Named metrics are the results stage's business.

/// Damage to one segment from one service in one replication.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SegmentDamage {
    pub unmet_needs: f64,
    pub delayed_needs: f64,
    pub extra_hours: f64,
    pub person_hours_cut_off: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDamage {
    pub by_segment: Vec<SegmentDamage>,
    pub peak_cut_off_share: f64,
    /// Pairwise services: the highest share of ties cut, and the lowest share of people in the
    /// largest component of working ties.
    pub pairwise: Option<PairwiseDamage>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairwiseDamage {
    pub ties_cut_peak_share: f64,
    pub reachable_min_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationOutcome {
    pub replication: u64,
    /// Per switching rule: people who installed the platform (scaled).
    pub installs: Vec<f64>,
    /// Per switching rule: people who held the platform before (scaled).
    pub holders_before: Vec<f64>,
    pub services: Vec<ServiceDamage>,
    pub series: Series,
}

/// The time series of one replication: one value per output step, each the mean over the step.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Per service: the share of the population cut off.
    pub cut_off_share: Vec<Vec<f64>>,
    /// Per service: for a pairwise service, the share of agents in the largest component of
    /// working ties; `None` for the others.
    pub reachable_share: Vec<Option<Vec<f64>>>,
    /// Per node: its capacity (0 down, 1 working fully).
    pub capacity: Vec<Vec<f64>>,
}
