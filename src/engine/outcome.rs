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
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationOutcome {
    pub replication: u64,
    pub services: Vec<ServiceDamage>,
    /// `cut_off_share` of each service, then `capacity` of each node; each `steps` long.
    pub series: Vec<Vec<f64>>,
}
