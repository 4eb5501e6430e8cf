//! What one replication produces: damage by service and segment (already scaled to the real
//! population), the same damage per local calendar day, and the per-step time series. Named
//! metrics are the results stage's business.
//!
//! The engine counts damage day by day ([`DayDamage`]: one copy of the damage structs per local
//! day) and the run's damage is those days combined ([`ServiceDamage::combine`]): additive
//! quantities summed, peaks the highest, lowest levels the lowest. A field added to the damage
//! structs is kept per day with no more work than saying how days combine in `combine` (whose
//! destructuring fails to compile until it does).

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

impl SegmentDamage {
    /// Adds `other` (another day's damage) to this one: every quantity here is additive.
    pub fn add(&mut self, other: &SegmentDamage) {
        let SegmentDamage {
            unmet_needs,
            delayed_needs,
            extra_hours,
            person_hours_cut_off,
            person_hours_stranded,
        } = other;
        self.unmet_needs += unmet_needs;
        self.delayed_needs += delayed_needs;
        self.extra_hours += extra_hours;
        self.person_hours_cut_off += person_hours_cut_off;
        self.person_hours_stranded += person_hours_stranded;
    }
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

impl ServiceDamage {
    /// The damage of consecutive days taken together: counts and hours summed (day by day, in
    /// order), peaks the highest of the days', the lowest reachable share the lowest. `None`
    /// for no days.
    pub fn combine(days: &[ServiceDamage]) -> Option<ServiceDamage> {
        let (first, rest) = days.split_first()?;
        let mut total = first.clone();
        for day in rest {
            let ServiceDamage {
                by_segment,
                peak_cut_off_share,
                peak_stranded_share,
                pairwise,
            } = day;
            for (sum, segment) in total.by_segment.iter_mut().zip(by_segment) {
                sum.add(segment);
            }
            total.peak_cut_off_share = total.peak_cut_off_share.max(*peak_cut_off_share);
            total.peak_stranded_share = total.peak_stranded_share.max(*peak_stranded_share);
            if let (Some(sum), Some(day)) = (total.pairwise.as_mut(), pairwise) {
                let PairwiseDamage {
                    ties_cut_peak_share,
                    reachable_min_share,
                } = day;
                sum.ties_cut_peak_share = sum.ties_cut_peak_share.max(*ties_cut_peak_share);
                sum.reachable_min_share = sum.reachable_min_share.min(*reachable_min_share);
            }
        }
        Some(total)
    }
}

/// The damage of one local calendar day of a replication.
#[derive(Debug, Clone, PartialEq)]
pub struct DayDamage {
    /// The day, counted from 0 for the day hour 0 falls on; local midnight ends each day.
    pub day: i64,
    /// Damage by service within the day, in service order.
    pub services: Vec<ServiceDamage>,
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
    /// Damage by service, in service order: the days of `daily` combined.
    pub services: Vec<ServiceDamage>,
    /// Whether some node was still below full capacity (down, restoring or ramping) at the
    /// horizon: damage after it is not counted.
    pub below_full_at_end: bool,
    /// Per node, in node order: the hour from which its capacity is full to the horizon (the
    /// end of the last slice below full); `None` when it never dropped. The horizon itself when
    /// it was still below full at the end.
    pub full_again: Vec<Option<f64>>,
    /// Per service, by segment: distinct people cut off from it at some moment of the run
    /// (scaled), however long and however often.
    pub people_ever_cut_off: Vec<Vec<f64>>,
    /// The union over services, person by person; `None` for a scenario with two or more
    /// pairwise services.
    pub union: Option<UnionDamage>,
    /// The same damage per local calendar day, in day order (every day the horizon touches).
    pub daily: Vec<DayDamage>,
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
    /// By segment: distinct people cut off from at least one service at some moment of the
    /// run (there is no stranded analogue: being stranded is a chance, not an event).
    pub people_ever_cut_off: Vec<f64>,
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
