//! `[[services]]`: demand, its profile over the day, and the channels tried in order.

use std::collections::HashSet;

use super::checker::Checker;
use super::nodes::NodeIds;
use super::numbers::segment_list;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::{Channel, OfflineChannel, Segment, Service};
use crate::scenario::raw::{ProfileName, RawChannel, RawOfflineChannel, RawProfile, RawService};

/// Relative demand by hour of day for `profile = "daytime"`: quiet at night, a morning rise, a
/// flat working day and a long evening (people message, pay and travel until late).
const DAYTIME_PROFILE: [f64; 24] = [
    0.3, 0.2, 0.15, 0.15, 0.15, 0.3, 0.6, 1.0, 1.4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
    1.5, 1.4, 1.3, 1.1, 0.8, 0.5,
];

/// Channels are bits of a `u64` in the engine.
const MAX_CHANNELS: usize = 64;

pub(super) fn services(
    cx: &mut Checker<'_, '_>,
    raw: &[RawService],
    ids: &NodeIds,
    segments: Option<&[Segment]>,
) -> Option<Vec<Service>> {
    let mut seen = HashSet::new();
    let mut services = Vec::new();
    for (index, service) in raw.iter().enumerate() {
        let here = cx.element("services", index);
        let id = cx.unique_id(&here.key("id"), "service", &service.id, &mut seen);
        let checked = self::service(cx, &here, service, ids, segments);
        services.push(id.and(checked));
    }
    services.into_iter().collect()
}

fn service(
    cx: &mut Checker<'_, '_>,
    here: &FieldPath,
    service: &RawService,
    ids: &NodeIds,
    segments: Option<&[Segment]>,
) -> Option<Service> {
    let demand_per_day = cx.per_segment(
        &here.key("demand_per_day"),
        &service.demand_per_day,
        segments,
        |cx, path, v| cx.non_negative(path, v),
    );
    let profile = profile(cx, &here.key("profile"), service.profile.as_ref());
    let path = here.key("channels");
    let count = service.channels.len();
    if count == 0 {
        cx.problem(&path, "a service needs at least one channel", "list the ways people meet the need, e.g. channels = [{ platform = \"kakaotalk\" }, { offline = \"phone\" }]");
    } else if count > MAX_CHANNELS {
        cx.problem(
            &path,
            format!("{count} channels; a service has at most {MAX_CHANNELS}"),
            "keep the channels people really use; merge minor ones",
        );
    }
    let channels: Vec<Option<Channel>> = service
        .channels
        .iter()
        .enumerate()
        .map(|(i, channel)| match channel {
            RawChannel::Platform(platform) => ids
                .platform(cx, &path.index(i).key("platform"), &platform.platform)
                .map(Channel::Platform),
            RawChannel::Offline(offline) => {
                self::offline(cx, &path.index(i), offline, segments).map(Channel::Offline)
            }
        })
        .collect();
    let value_per_unmet = cx.non_negative(&here.key("value_per_unmet"), service.value_per_unmet);
    let deferrable_hours = cx.non_negative(&here.key("deferrable_hours"), service.deferrable_hours);
    if count == 0 || count > MAX_CHANNELS {
        return None;
    }
    Some(Service {
        id: service.id.clone(),
        name: if service.name.is_empty() {
            service.id.clone()
        } else {
            service.name.clone()
        },
        demand_per_day: demand_per_day?,
        profile: profile?,
        channels: channels.into_iter().collect::<Option<_>>()?,
        pairwise: service.pairwise,
        value_per_unmet: value_per_unmet?,
        deferrable_hours: deferrable_hours?,
    })
}

fn offline(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    raw: &RawOfflineChannel,
    segments: Option<&[Segment]>,
) -> Option<OfflineChannel> {
    let success = match raw.success {
        None => Some(1.0),
        Some(success) => cx.share(&path.key("success"), success),
    };
    let extra_minutes = match raw.extra_minutes {
        None => Some(0.0),
        Some(minutes) => cx.non_negative(&path.key("extra_minutes"), minutes),
    };
    let capacity_per_hour = match raw.capacity_per_hour {
        None => Some(None),
        Some(capacity) if capacity.is_finite() && capacity > 0.0 => Some(Some(capacity)),
        Some(capacity) => {
            cx.problem(
                &path.key("capacity_per_hour"),
                format!("{capacity} is not a positive capacity"),
                "give the needs the channel can serve per hour across the whole population, or leave it out for unlimited",
            );
            None
        }
    };
    let open_to = match (&raw.segments, segments) {
        (_, None) => None,
        (None, Some(segments)) => Some(vec![true; segments.len()]),
        (Some(list), Some(segments)) => {
            let mut open = vec![false; segments.len()];
            let mut ok = true;
            for (i, id) in list.iter().enumerate() {
                match segments.iter().position(|s| &s.id == id) {
                    Some(position) => open[position] = true,
                    None => {
                        cx.problem(
                            &path.key("segments").index(i),
                            format!("unknown segment \"{id}\""),
                            format!("use one of: {}", segment_list(segments)),
                        );
                        ok = false;
                    }
                }
            }
            ok.then_some(open)
        }
    };
    Some(OfflineChannel {
        name: raw.offline.clone(),
        success: success?,
        extra_minutes: extra_minutes?,
        capacity_per_hour: capacity_per_hour?,
        open_to: open_to?,
    })
}

/// The profile scaled so that its mean is 1.
fn profile(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    raw: Option<&RawProfile>,
) -> Option<[f64; 24]> {
    let weights: [f64; 24] = match raw {
        None | Some(RawProfile::Named(ProfileName::Flat)) => [1.0; 24],
        Some(RawProfile::Named(ProfileName::Daytime)) => DAYTIME_PROFILE,
        Some(RawProfile::Weights(weights)) => {
            let Ok(weights) = <[f64; 24]>::try_from(weights.as_slice()) else {
                cx.problem(
                    path,
                    format!("{} weights; a profile has one per hour, 24", weights.len()),
                    "write profile = \"daytime\" or an array of 24 non-negative numbers, one per hour from midnight",
                );
                return None;
            };
            let mut ok = true;
            for (hour, weight) in weights.iter().enumerate() {
                ok &= cx.non_negative(&path.index(hour), *weight).is_some();
            }
            if !ok {
                return None;
            }
            weights
        }
    };
    let mean = weights.iter().sum::<f64>() / 24.0;
    if mean <= 0.0 {
        cx.problem(
            path,
            "all 24 weights are zero",
            "give at least one hour a positive weight",
        );
        return None;
    }
    Some(weights.map(|w| w / mean))
}
