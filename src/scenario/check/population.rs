//! `[population]` and its segments.

use std::collections::HashSet;

use super::checker::Checker;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::Segment;
use crate::scenario::raw::RawPopulation;

/// The checked `[population]`.
pub(super) struct Population {
    pub size: u64,
    pub segments: Vec<Segment>,
}

pub(super) fn population(cx: &mut Checker<'_, '_>, raw: RawPopulation) -> Option<Population> {
    let path = FieldPath::default().key("population");
    let size = cx.at_least_one(&path.key("size"), raw.size);
    let segments = segments(cx, raw, &path.key("segments"));
    Some(Population {
        size: size?,
        segments: segments?,
    })
}

fn segments(
    cx: &mut Checker<'_, '_>,
    raw: RawPopulation,
    path: &FieldPath,
) -> Option<Vec<Segment>> {
    if raw.segments.is_empty() {
        return Some(vec![Segment {
            id: "everyone".to_string(),
            name: "Everyone".to_string(),
            share: 1.0,
        }]);
    }
    let mut seen = HashSet::new();
    let mut segments = Vec::new();
    let mut ok = true;
    for (index, segment) in raw.segments.into_iter().enumerate() {
        let here = path.index(index);
        ok &= cx
            .unique_id(&here.key("id"), "segment", &segment.id, &mut seen)
            .is_some();
        let Some(share) = cx.share(&here.key("share"), segment.share) else {
            ok = false;
            continue;
        };
        segments.push(Segment {
            name: if segment.name.is_empty() {
                segment.id.clone()
            } else {
                segment.name
            },
            id: segment.id,
            share,
        });
    }
    if !ok {
        return None;
    }
    let total: f64 = segments.iter().map(|s| s.share).sum();
    if (total - 1.0).abs() > 1e-6 {
        let listing = segments
            .iter()
            .map(|s| format!("{} = {}", s.id, s.share))
            .collect::<Vec<_>>()
            .join(", ");
        cx.problem(
            path,
            format!("segment shares sum to {total}, not 1 ({listing})"),
            "make the shares of all segments add up to 1",
        );
        return None;
    }
    Some(segments)
}
