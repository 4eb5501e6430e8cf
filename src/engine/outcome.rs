//! What one replication produces: damage by service and segment (already scaled to the real
//! population) and the per-step time series. Named metrics are the results stage's business.

/// Damage to one segment from one service in one replication.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SegmentDamage {
    /// Needs that no channel met (nor met late), in real people's needs.
    pub unmet_needs: f64,
    /// Needs met late, within the service's `deferrable_hours`.
    pub delayed_needs: f64,
    /// Person-hours lost to fallbacks' extra minutes.
    pub extra_hours: f64,
    /// Person-hours during which people had no working platform channel.
    pub person_hours_cut_off: f64,
    /// Person-hours weighted by the chance that a need at that moment finds no channel open to
    /// the person that serves it (offline channels included), beyond the baseline's chance.
    pub person_hours_stranded: f64,
}

/// Damage from one service in one replication, caused by the event: the same replication with
/// nothing failed gives 0.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDamage {
    /// Damage by population segment, in segment order.
    pub by_segment: Vec<SegmentDamage>,
    /// The highest share of the population cut off at any time.
    pub peak_cut_off_share: f64,
    /// The highest share of the population stranded at any time (people weighted by the chance
    /// that no channel serves a need, beyond the baseline's).
    pub peak_stranded_share: f64,
    /// Pairwise services: the highest share of ties cut, and the lowest share of people in the
    /// largest component of working ties.
    pub pairwise: Option<PairwiseDamage>,
}

/// What an outage does to the ties of a pairwise service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairwiseDamage {
    /// The highest share of ties with no working platform both people hold.
    pub ties_cut_peak_share: f64,
    /// The lowest share of people in the largest component of working ties.
    pub reachable_min_share: f64,
}

/// Everything one replication produces, before the results stage names it as metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationOutcome {
    /// The replication's index (keys its random streams).
    pub replication: u64,
    /// Per switching rule: people who installed the platform (scaled).
    pub installs: Vec<f64>,
    /// Per switching rule: people who held the platform before (scaled).
    pub holders_before: Vec<f64>,
    /// Damage by service, in service order.
    pub services: Vec<ServiceDamage>,
    /// Whether some node was still below full capacity (down, restoring or ramping) at the
    /// horizon: damage after it is not counted.
    pub below_full_at_end: bool,
    /// The union over services, person by person; `None` for a scenario with two or more
    /// pairwise services.
    pub union: Option<UnionDamage>,
    /// Its time series by kind.
    pub series: Series,
}

/// Person-hours in which people were cut off from (stranded in) at least one service: each
/// person counted once, however many services they lost (scaled to the real population).
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDamage {
    /// By segment: person-hours cut off from at least one service.
    pub cut_off: Vec<f64>,
    /// By segment: person-hours stranded in at least one service, beyond the baseline; `None`
    /// for a scenario with a pairwise service.
    pub stranded: Option<Vec<f64>>,
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
