//! People ever cut off in a replication: distinct people who lost their platform for a service
//! (or, for the union, for at least one service) at some moment of the run, whatever for how
//! long and however often.
//!
//! A service that is not pairwise is cut off class by class (a class is cut off as a whole in
//! a slice), so its people ever cut off are the weights of the classes cut off in some slice.
//! A pairwise service's cut-off is person by person: the people who normally reach a contact and
//! reach none now, OR-ed over the replication's distinct reach states (with switching, the
//! states at each change of the platforms up: between changes installs only let more people
//! reach someone, so the first state of each stretch holds everyone cut off in it). The union
//! takes the groups of `union.rs` cut off in some slice, plus the people ever cut off from the
//! pairwise service whose group is never cut off.
//!
//! There is no stranded analogue: being stranded is a chance weighting each moment, not an
//! event that happens to a person, so "ever stranded" would count everyone with any chance of
//! losing a need, however small.

use std::sync::Arc;

use fixedbitset::FixedBitSet;

use super::demand::{CutOff, ServicePlan};
use super::union::{Outside, UnionPlan, count_by_segment};
use crate::world::People;

/// Per segment: agents of a non-pairwise service's classes cut off in at least one slice.
pub fn classes_ever_cut(plan: &ServicePlan<'_>, cut: &CutOff, segments: usize) -> Vec<f64> {
    let mut by_segment = vec![0.0; segments];
    for (c, class) in plan.classes.iter().enumerate() {
        if cut.cut.iter().any(|slice| slice[c]) {
            by_segment[class.segment] += class.weight;
        }
    }
    by_segment
}

/// Adds to `ever` the agents cut off from a pairwise service in one reach state: those who
/// normally reach a contact (`normally`) and reach none now (not in `reaching`).
pub fn add_cut(ever: &mut FixedBitSet, normally: &FixedBitSet, reaching: &FixedBitSet) {
    for ((ever, &normally), &reaching) in ever
        .as_mut_slice()
        .iter_mut()
        .zip(normally.as_slice())
        .zip(reaching.as_slice())
    {
        *ever |= normally & !reaching;
    }
}

/// Per segment: the agents in `bits`.
pub fn people_by_segment(people: &People, bits: &FixedBitSet) -> Vec<f64> {
    let words = bits.as_slice();
    count_by_segment(people, |w| words.get(w).copied().unwrap_or(0))
}

/// Per segment: agents cut off from at least one service in some slice. `outsides` are the
/// union's groups cut off in each slice; `pairwise_ever`, with a pairwise service, the agents
/// ever cut off from it.
pub fn union_ever_cut(
    plan: &UnionPlan,
    people: &People,
    outsides: &[Arc<Outside>],
    pairwise_ever: Option<&FixedBitSet>,
    segments: usize,
) -> Vec<f64> {
    // Slices share their `Outside` while the platforms up do not change: visit each once.
    let mut distinct: Vec<&Arc<Outside>> = Vec::new();
    for outside in outsides {
        if !distinct.iter().any(|seen| Arc::ptr_eq(seen, outside)) {
            distinct.push(outside);
        }
    }
    let groups = distinct.first().map_or(0, |o| o.cut.len());
    let cut: Vec<bool> = (0..groups)
        .map(|g| distinct.iter().any(|o| o.cut[g]))
        .collect();
    // Agents whose group is never cut off: free in every slice.
    let free = distinct.iter().filter_map(|o| o.free.as_ref()).fold(
        None,
        |all: Option<FixedBitSet>, free| {
            Some(match all {
                None => free.clone(),
                Some(mut all) => {
                    all.intersect_with(free);
                    all
                }
            })
        },
    );
    let mut by_segment = plan.cut_by_segment(&Outside { cut, free: None }, segments);
    if let (Some(ever), Some(free)) = (pairwise_ever, free.as_ref()) {
        let (ever, free) = (ever.as_slice(), free.as_slice());
        let only = count_by_segment(people, |w| {
            ever.get(w).copied().unwrap_or(0) & free.get(w).copied().unwrap_or(0)
        });
        for (total, only) in by_segment.iter_mut().zip(only) {
            *total += only;
        }
    }
    by_segment
}
