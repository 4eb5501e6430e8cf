//! Lumping: for one service, what an agent can do depends only on their segment and on which of
//! the service's channels are open to them. Agents alike in both form a class; the engine works
//! on classes, so a replication costs the same for a thousand agents or ten million.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::people::People;
use crate::scenario::{Channel, Service};

/// Agents of one segment with the same channels of a service open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceClass {
    pub segment: usize,
    /// Bit k set when channel k of the service is open to these agents (they hold the platform,
    /// or the offline channel admits their segment).
    pub open_channels: u64,
    pub agents: u64,
}

impl ServiceClass {
    pub fn is_open(&self, channel: usize) -> bool {
        self.open_channels & (1 << channel) != 0
    }
}

/// Counts agents per (segment, open channels) for `service`, in a deterministic order.
pub fn group(
    people: &People,
    service: &Service,
    platform_bit: &[Option<u32>],
    segments: usize,
) -> Vec<ServiceClass> {
    let mut classes = Vec::new();
    for segment in 0..segments {
        let start = people.segment_starts[segment] as usize;
        let end = people.segment_starts[segment + 1] as usize;
        let offline_mask: u64 =
            service
                .channels
                .iter()
                .enumerate()
                .fold(0, |mask, (k, channel)| match channel {
                    Channel::Offline(offline) if offline.open_to[segment] => mask | (1 << k),
                    _ => mask,
                });
        let platform_channels: Vec<(u64, u64)> = service
            .channels
            .iter()
            .enumerate()
            .filter_map(|(k, channel)| match channel {
                Channel::Platform(node) => platform_bit[*node].map(|bit| (1u64 << bit, 1u64 << k)),
                Channel::Offline(_) => None,
            })
            .collect();
        let counts = people.platforms[start..end]
            .par_chunks(1 << 16)
            .map(|chunk| {
                let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
                for set in chunk {
                    let open =
                        platform_channels
                            .iter()
                            .fold(offline_mask, |mask, &(held, channel)| {
                                if set & held != 0 {
                                    mask | channel
                                } else {
                                    mask
                                }
                            });
                    *counts.entry(open).or_insert(0) += 1;
                }
                counts
            })
            .reduce(BTreeMap::new, |mut a, b| {
                for (open, n) in b {
                    *a.entry(open).or_insert(0) += n;
                }
                a
            });
        classes.extend(
            counts
                .into_iter()
                .map(|(open_channels, agents)| ServiceClass {
                    segment,
                    open_channels,
                    agents,
                }),
        );
    }
    classes
}
