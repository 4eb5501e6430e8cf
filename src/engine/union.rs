//! The union over services: person-hours in which a person is cut off from (or stranded in) at
//! least one service, each person counted once whatever the number of services.
//!
//! Whether a person is cut off from a service that is not pairwise depends only on their
//! segment and the platforms they hold, so people are grouped by (segment, the platforms the
//! non-pairwise services use); a group is cut off from some such service as a whole. A pairwise
//! service's cut-off is a property of each person and their contacts: the people cut off from it
//! and from no other service are counted one by one, as a bitset (those who normally reach a
//! contact, reach none now, and whose group is not cut off otherwise). Exact with at most one
//! pairwise service; the union is left out for scenarios with more (validation does not forbid
//! them, and their per-person union would need every pair of bitsets).
//!
//! Stranded: with services that are not pairwise only, the chance that the event strands a need
//! of at least one service is `1 − Π (1 − (event − baseline chance that no channel serves))` for
//! each group: needs of different services are independent, and within a service the coupling
//! makes `event − baseline` the chance that the event loses a need the baseline serves. (A
//! service the group has no channel for at all fails in both runs and adds nothing.)

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use fixedbitset::FixedBitSet;

use super::demand::ServicePlan;
use crate::scenario::{Channel, Scenario};
use crate::world::People;

/// What every replication shares for the union.
pub struct UnionPlan {
    /// `(segment, platform bits)` of each group, sorted.
    keys: Vec<(usize, u64)>,
    /// Agents in each group.
    weight: Vec<f64>,
    /// The platform bits the non-pairwise services use.
    mask: u64,
    /// `[service][group]`: the class of the group, for services that are not pairwise.
    class_of: Vec<Option<Vec<usize>>>,
    /// The one pairwise service, if any.
    pub pairwise: Option<usize>,
    /// Per set of non-pairwise platforms up: each group's cut-off and, with a pairwise
    /// service, the agents not cut off from any other service.
    memo: Mutex<HashMap<u64, Arc<Outside>>>,
}

/// Who is cut off from some service that is not pairwise, for one set of platforms up.
pub struct Outside {
    /// Per group: cut off from at least one non-pairwise service.
    pub cut: Vec<bool>,
    /// With a pairwise service: agents not cut off from any non-pairwise service.
    pub free: Option<FixedBitSet>,
}

impl UnionPlan {
    /// The union's plan, or `None` for a scenario with two or more pairwise services.
    pub fn new(
        scenario: &Scenario,
        people: &People,
        platform_bit: &[Option<u32>],
        services: &[ServicePlan<'_>],
    ) -> Option<UnionPlan> {
        let pairwise: Vec<usize> = (0..scenario.services.len())
            .filter(|&s| scenario.services[s].pairwise)
            .collect();
        if pairwise.len() > 1 {
            return None;
        }
        let mask = scenario
            .services
            .iter()
            .filter(|s| !s.pairwise)
            .flat_map(|s| &s.channels)
            .fold(0u64, |mask, channel| match channel {
                Channel::Platform(node) => platform_bit[*node].map_or(mask, |b| mask | 1 << b),
                Channel::Offline(_) => mask,
            });
        let mut counts: std::collections::BTreeMap<(usize, u64), f64> = Default::default();
        for g in 0..scenario.segments.len() {
            let range = people.segment_starts[g] as usize..people.segment_starts[g + 1] as usize;
            for &held in &people.platforms[range] {
                *counts.entry((g, held & mask)).or_default() += 1.0;
            }
        }
        let (keys, weight): (Vec<_>, Vec<_>) = counts.into_iter().unzip();
        let class_of = scenario
            .services
            .iter()
            .zip(services)
            .map(|(service, plan)| {
                (!service.pairwise).then(|| {
                    keys.iter()
                        .map(|&(segment, held)| {
                            let open = service.channels.iter().enumerate().fold(
                                0u64,
                                |open, (k, channel)| match channel {
                                    Channel::Offline(offline) if offline.open_to[segment] => {
                                        open | 1 << k
                                    }
                                    Channel::Platform(node)
                                        if platform_bit[*node]
                                            .is_some_and(|b| held & (1 << b) != 0) =>
                                    {
                                        open | 1 << k
                                    }
                                    _ => open,
                                },
                            );
                            // Every agent's class exists, so the search finds it.
                            plan.classes
                                .iter()
                                .position(|c| c.segment == segment && c.open_channels == open)
                                .unwrap_or(0)
                        })
                        .collect()
                })
            })
            .collect();
        Some(UnionPlan {
            keys,
            weight,
            mask,
            class_of,
            pairwise: pairwise.first().copied(),
            memo: Mutex::new(HashMap::new()),
        })
    }

    /// Who is cut off from some non-pairwise service while the platforms `up` (platform bits)
    /// are up; `cut[service][slice][class]` is each service's cut-off in slice `slice`.
    pub fn outside(
        &self,
        up: u64,
        people: &People,
        cut_of_class: &dyn Fn(usize, usize) -> bool,
    ) -> Arc<Outside> {
        let key = up & self.mask;
        if let Some(found) = self.memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        let cut: Vec<bool> = (0..self.keys.len())
            .map(|group| {
                self.class_of.iter().enumerate().any(|(service, classes)| {
                    classes
                        .as_ref()
                        .is_some_and(|classes| cut_of_class(service, classes[group]))
                })
            })
            .collect();
        let free = self.pairwise.map(|_| {
            let mut free = FixedBitSet::with_capacity(people.count());
            for g in 0..people.segment_starts.len() - 1 {
                let start = people.segment_starts[g] as usize;
                let end = people.segment_starts[g + 1] as usize;
                for agent in start..end {
                    let group = self
                        .keys
                        .binary_search(&(g, people.platforms[agent] & self.mask))
                        .unwrap_or(0);
                    if !cut[group] {
                        free.insert(agent);
                    }
                }
            }
            free
        });
        let outside = Arc::new(Outside { cut, free });
        if let Ok(mut memo) = self.memo.lock() {
            memo.entry(key).or_insert_with(|| outside.clone());
        }
        outside
    }

    /// Per segment: agents cut off from some non-pairwise service.
    pub fn cut_by_segment(&self, outside: &Outside, segments: usize) -> Vec<f64> {
        let mut by_segment = vec![0.0; segments];
        for ((&(segment, _), &weight), &cut) in self.keys.iter().zip(&self.weight).zip(&outside.cut)
        {
            if cut {
                by_segment[segment] += weight;
            }
        }
        by_segment
    }

    /// Per segment: agents stranded in at least one service, beyond the baseline, from each
    /// service's chance that no channel serves a need of each class (`unserved(service, class)`
    /// gives (event, baseline)). Only for scenarios without pairwise services.
    pub fn stranded_by_segment(
        &self,
        segments: usize,
        unserved: &dyn Fn(usize, usize) -> (f64, f64),
    ) -> Vec<f64> {
        let mut by_segment = vec![0.0; segments];
        for (group, (&(segment, _), &weight)) in self.keys.iter().zip(&self.weight).enumerate() {
            // Per service, the chance that the event loses a need the baseline serves (the
            // coupling: served in the event run implies served in the baseline).
            let mut spared = 1.0;
            for (service, classes) in self.class_of.iter().enumerate() {
                if let Some(classes) = classes {
                    let (event, base) = unserved(service, classes[group]);
                    spared *= 1.0 - (event - base).max(0.0);
                }
            }
            by_segment[segment] += weight * (1.0 - spared);
        }
        by_segment
    }
}

/// Per segment: agents cut off from the pairwise service and from no other: they normally reach
/// a contact (`normally`), reach none now (not in `reaching`), and are `free` otherwise.
pub fn pairwise_only_by_segment(
    people: &People,
    normally: &FixedBitSet,
    reaching: &FixedBitSet,
    free: &FixedBitSet,
) -> Vec<f64> {
    let (normally, reaching, free) = (normally.as_slice(), reaching.as_slice(), free.as_slice());
    // A word past the end of a set reads as empty.
    let word = |w: usize| {
        normally.get(w).copied().unwrap_or(0)
            & !reaching.get(w).copied().unwrap_or(0)
            & free.get(w).copied().unwrap_or(0)
    };
    // The whole words, by a zip over the three sets (this runs in every slice once people
    // install): where `reaching` has ended it reads as empty.
    let whole = |inner: Range<usize>| {
        let end_word = inner.end.min(normally.len()).min(free.len());
        let inner = inner.start.min(end_word)..end_word;
        let reached = inner.start.min(reaching.len())..inner.end.min(reaching.len());
        let rest = reached.end.max(inner.start)..inner.end;
        normally[reached.clone()]
            .iter()
            .zip(&reaching[reached.clone()])
            .zip(&free[reached])
            .map(|((n, r), f)| u64::from((n & !r & f).count_ones()))
            .sum::<u64>()
            + normally[rest.clone()]
                .iter()
                .zip(&free[rest])
                .map(|(n, f)| u64::from((n & f).count_ones()))
                .sum::<u64>()
    };
    count_segments(people, word, whole)
}

/// Per segment: the agents whose bits are set in `word(w)`, the `w`-th word of a bitset over
/// all agents.
pub fn count_by_segment(people: &People, word: impl Fn(usize) -> usize) -> Vec<f64> {
    count_segments(people, &word, |inner: Range<usize>| {
        inner.map(|w| u64::from(word(w).count_ones())).sum()
    })
}

/// Per segment: the set bits of the bitset over all agents whose `w`-th word is `word(w)`; a
/// segment's first and last words are masked to its agents, the whole words between counted by
/// `whole` (the bits set in a range of words, however it reads them fastest).
fn count_segments(
    people: &People,
    word: impl Fn(usize) -> usize,
    whole: impl Fn(Range<usize>) -> u64,
) -> Vec<f64> {
    let starts = &people.segment_starts;
    const BITS: usize = usize::BITS as usize;
    (0..starts.len() - 1)
        .map(|g| {
            let (start, end) = (starts[g] as usize, starts[g + 1] as usize);
            if start >= end {
                return 0.0;
            }
            let (first, last) = (start / BITS, (end - 1) / BITS);
            let head = usize::MAX << (start % BITS);
            let tail = usize::MAX >> (BITS - 1 - (end - 1) % BITS);
            if first == last {
                return f64::from((word(first) & head & tail).count_ones());
            }
            let count = u64::from((word(first) & head).count_ones())
                + u64::from((word(last) & tail).count_ones())
                + whole(first + 1..last);
            count as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use fixedbitset::FixedBitSet;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::pairwise_only_by_segment;
    use crate::world::People;

    /// The word-by-word count equals counting agent by agent, on segments that start and end
    /// inside words, inside one word, and empty.
    #[test]
    fn the_word_count_is_the_count_agent_by_agent() {
        let agents = 1000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut set = |p: f64| {
            let mut set = FixedBitSet::with_capacity(agents);
            (0..agents).for_each(|a| set.set(a, rng.random::<f64>() < p));
            set
        };
        let (normally, reaching, free) = (set(0.8), set(0.3), set(0.7));
        let starts = vec![0, 3, 3, 60, 70, 128, 500, 513, 1000];
        let people = People {
            segment_starts: starts.clone(),
            platforms: vec![0; agents],
        };
        let counted: Vec<f64> = starts
            .windows(2)
            .map(|w| {
                (w[0] as usize..w[1] as usize)
                    .filter(|&a| normally[a] && !reaching[a] && free[a])
                    .count() as f64
            })
            .collect();
        assert!(counted.iter().sum::<f64>() > 100.0);
        assert_eq!(
            pairwise_only_by_segment(&people, &normally, &reaching, &free),
            counted
        );
    }
}
