//! The headline sentences of hours per person who lost a platform (`summary.json`'s
//! `per_person_cut_off`): for each service, and for at least one service, the hours each person
//! who was ever cut off lost on average, and how many people that was.

use maud::{Markup, html};

use super::format;
use super::input::Summary;

/// One sentence per service, then one for at least one service (the union), for the entries
/// the summary has; none for a summary without them.
pub(super) fn sentences(s: &Summary) -> Vec<Markup> {
    let subjects = s
        .services
        .iter()
        .map(|service| {
            (
                format!("person_hours_cut_off.{}", service.id),
                format!(
                    "their platform for {}",
                    service.display_name().to_lowercase()
                ),
            )
        })
        .chain(std::iter::once((
            "person_hours_cut_off.any".to_string(),
            "their platform for at least one service".to_string(),
        )));
    subjects
        .filter_map(|(name, what)| {
            let p = s.per_person_cut_off.get(&name)?;
            Some(html! {
                strong { (format::hours(p.mean)) " per person who lost " (what) }
                " (" (format::count(p.people)) " people; 95\u{a0}% interval of the mean "
                (format::hours(p.mean_lo)) "–" (format::hours(p.mean_hi)) ")."
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture's messaging: 860.3 M person-hours over 51.73 M people ever cut off (the
    /// ratio of the means, 16.6 h); a service per sentence, none for the union it lacks.
    #[test]
    fn each_service_gets_its_hours_per_person_who_lost_it() {
        let text = include_str!("../../tests/fixtures/kakao-fire/summary.json");
        let summary = Summary::from_json(text).unwrap_or_else(|e| panic!("{e}"));
        let sentences: Vec<String> = sentences(&summary).into_iter().map(|m| m.0).collect();
        assert_eq!(sentences.len(), summary.services.len(), "{sentences:?}");
        let messaging = &summary.per_person_cut_off["person_hours_cut_off.messaging"];
        let ratio = summary.metrics["person_hours_cut_off.messaging"].stats.mean
            / summary.metrics["people_ever_cut_off.messaging"].stats.mean;
        assert!((messaging.mean - ratio).abs() < 1e-9 * ratio);
        assert!(
            sentences[0].contains(&format!(
                "{} per person who lost their platform for messaging",
                format::hours(ratio)
            )) && sentences[0].contains(&format!("{} people", format::count(messaging.people))),
            "{}",
            sentences[0]
        );
    }
}
