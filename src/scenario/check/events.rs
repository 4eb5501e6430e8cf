//! `[[events]]`: what fails, when, for how long, and how often.

use std::collections::HashSet;

use super::checker::Checker;
use super::nodes::NodeIds;
use crate::scenario::distribution::Distribution;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::Event;
use crate::scenario::raw::RawEvent;

pub(super) fn events(
    cx: &mut Checker<'_, '_>,
    raw: &[RawEvent],
    ids: &NodeIds,
) -> Option<Vec<Event>> {
    let mut seen = HashSet::new();
    let mut events = Vec::new();
    for (index, event) in raw.iter().enumerate() {
        let here = cx.element("events", index);
        let id = cx.unique_id(&here.key("id"), "event", &event.id, &mut seen);
        if event.fails.is_empty() {
            cx.problem(
                &here.key("fails"),
                "the event fails nothing",
                "list the ids the event holds down, e.g. fails = [\"pangyo_dc\"]",
            );
        }
        let fails: Vec<Option<usize>> = event
            .fails
            .iter()
            .enumerate()
            .map(|(i, id)| ids.node(cx, &here.key("fails").index(i), id))
            .collect();
        let at_hour = match &event.at_hour {
            Some(raw) => cx.hours(&here.key("at_hour"), raw),
            None => Some(Distribution::Fixed(0.0)),
        };
        let duration_hours = cx.hours(&here.key("duration_hours"), &event.duration_hours);
        let probability = cx.share(&here.key("probability"), event.probability);
        let rate_per_year = match event.rate_per_year {
            Some(rate) => rate_per_year(cx, &here.key("rate_per_year"), rate).map(Some),
            None => Some(None),
        };
        events.push((|| {
            id?;
            Some(Event {
                id: event.id.clone(),
                name: if event.name.is_empty() {
                    event.id.clone()
                } else {
                    event.name.clone()
                },
                fails: fails.into_iter().collect::<Option<_>>()?,
                at_hour: at_hour?,
                duration_hours: duration_hours?,
                probability: probability?,
                rate_per_year: rate_per_year?,
            })
        })());
    }
    events.into_iter().collect()
}

/// The most occurrences a year an event may have: more is not a rare shock, and bounds the
/// Poisson draws of `annual`.
pub const MAX_RATE_PER_YEAR: f64 = 100.0;

fn rate_per_year(cx: &mut Checker<'_, '_>, path: &FieldPath, rate: f64) -> Option<f64> {
    if rate.is_finite() && (0.0..=MAX_RATE_PER_YEAR).contains(&rate) {
        return Some(rate);
    }
    cx.problem(
        path,
        format!("{rate} is not a rate between 0 and {MAX_RATE_PER_YEAR} occurrences a year"),
        "give the mean number of occurrences a year, e.g. rate_per_year = 0.4 for one in 2.5 years",
    );
    None
}
