//! Lumping: for one service, what a need can use depends only on the segment of the person who
//! has it and on which of the service's channels are open to it. Needs alike in both form a
//! class; the engine works on classes, so a replication costs the same for a thousand agents or
//! ten million.
//!
//! For an ordinary service a class is a set of agents. For a pairwise service a need is a
//! message to a contact drawn uniformly, so it can use a platform only when both people hold it:
//! each tie (i → j) is a share 1 / degree(i) of i's needs, and a class is the sum of those shares
//! over the ties alike in i's segment and the platforms the two share (added up in
//! `world::pairwise`).

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::pairwise::Pairwise;
use super::people::People;
use crate::observe::BuildObserver;
use crate::scenario::{Channel, Service};

/// People (or shares of people's needs) of one segment with the same channels open.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceClass {
    /// The segment's index.
    pub segment: usize,
    /// Bit k set when channel k of the service is open (the person, or for a pairwise service
    /// both people, hold the platform; or the offline channel admits the segment).
    pub open_channels: u64,
    /// Agent-equivalents: the number of agents, or for a pairwise service Σ 1/degree over the
    /// ties of the class.
    pub weight: f64,
}

impl ServiceClass {
    /// Whether channel `channel` of the service is open to the class.
    pub fn is_open(&self, channel: usize) -> bool {
        self.open_channels & (1 << channel) != 0
    }
}

/// Agents per parallel chunk; fixed so that sums are added in the same order on any thread count.
const CHUNK: usize = 1 << 16;

/// The bits of the offline channels of `service` open to `segment`.
pub fn offline_channels(service: &Service, segment: usize) -> u64 {
    service
        .channels
        .iter()
        .enumerate()
        .fold(0, |mask, (k, channel)| match channel {
            Channel::Offline(offline) if offline.open_to[segment] => mask | (1 << k),
            _ => mask,
        })
}

/// Every class of a pairwise service, empty ones included, in the order of
/// [`Pairwise::weights`]: `segment · 2^k + shared`.
pub fn pairwise_classes(
    service: &Service,
    pairwise: &Pairwise,
    segments: usize,
) -> Vec<ServiceClass> {
    (0..segments)
        .flat_map(|segment| {
            let offline = offline_channels(service, segment);
            (0..pairwise.subsets()).map(move |shared| ServiceClass {
                segment,
                open_channels: offline | pairwise.open_channels(shared as u16),
                weight: pairwise.weights[segment * pairwise.subsets() + shared],
            })
        })
        .collect()
}

/// Groups the needs of `service` into classes, in a deterministic order: by segment, then by
/// the channels open. A pairwise service's classes come from its ties (`pairwise`).
pub fn group(
    people: &People,
    service: &Service,
    platform_bit: &[Option<u32>],
    segments: usize,
    pairwise: Option<&Pairwise>,
    observer: &dyn BuildObserver,
) -> Vec<ServiceClass> {
    if let Some(pairwise) = pairwise {
        let mut classes: Vec<ServiceClass> = pairwise_classes(service, pairwise, segments)
            .into_iter()
            .filter(|class| class.weight > 0.0)
            .collect();
        classes.sort_by_key(|class| (class.segment, class.open_channels));
        return classes;
    }
    let platform_channels: Vec<(u64, u64)> = service
        .channels
        .iter()
        .enumerate()
        .filter_map(|(k, channel)| match channel {
            Channel::Platform(node) => platform_bit[*node].map(|bit| (1u64 << bit, 1u64 << k)),
            Channel::Offline(_) => None,
        })
        .collect();
    let open_for = |held: u64, offline_mask: u64| {
        platform_channels
            .iter()
            .fold(offline_mask, |mask, &(platform, channel)| {
                if held & platform != 0 {
                    mask | channel
                } else {
                    mask
                }
            })
    };
    let mut classes = Vec::new();
    for segment in 0..segments {
        let start = people.segment_starts[segment] as usize;
        let end = people.segment_starts[segment + 1] as usize;
        let offline_mask = offline_channels(service, segment);
        let chunks: Vec<Vec<(u64, f64)>> = (start..end)
            .into_par_iter()
            .step_by(CHUNK)
            .map(|first| {
                let last = (first + CHUNK).min(end);
                let mut weights: Vec<(u64, f64)> = Vec::new();
                for &held in &people.platforms[first..last] {
                    add(&mut weights, open_for(held, offline_mask), 1.0);
                }
                observer.advance((last - first) as u64);
                weights
            })
            .collect();
        let mut merged: BTreeMap<u64, f64> = BTreeMap::new();
        for chunk in chunks {
            for (open, weight) in chunk {
                *merged.entry(open).or_insert(0.0) += weight;
            }
        }
        classes.extend(
            merged
                .into_iter()
                .map(|(open_channels, weight)| ServiceClass {
                    segment,
                    open_channels,
                    weight,
                }),
        );
    }
    classes
}

/// Adds `weight` to the class `open` of a chunk. A chunk meets a handful of channel sets, so a
/// linear scan beats a tree lookup per agent; each class still sums its weights in agent order,
/// so the totals are the same bits on any thread count.
fn add(weights: &mut Vec<(u64, f64)>, open: u64, weight: f64) {
    match weights.iter_mut().find(|(key, _)| *key == open) {
        Some((_, sum)) => *sum += weight,
        None => weights.push((open, weight)),
    }
}
