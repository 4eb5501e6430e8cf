//! The page's per-day table, from `daily.csv`: for the headline metrics, one row per local
//! calendar day with the mean and the 5th–95th percentiles, dates in words ("Sat 15 Oct 2022").

use chrono::NaiveDate;
use maud::{Markup, html};

use super::format::Measure;
use super::input::{Days, Summary};
use crate::results::registry::{
    ECONOMIC_LOSS, PERSON_HOURS_CUT_OFF, PERSON_HOURS_STRANDED, UNMET_NEEDS,
};

/// Columns the table shows at most.
const MOST: usize = 4;

/// The metrics of the table: the scenario's headline metric first, then the totals of economic
/// loss, person-hours cut off and stranded, and unmet needs, those the days have.
fn metrics(s: &Summary, days: &Days) -> Vec<String> {
    let Some((_, first)) = days.days.first() else {
        return Vec::new();
    };
    let mut names = vec![s.headline()];
    for family in [
        &ECONOMIC_LOSS,
        &PERSON_HOURS_CUT_OFF,
        &PERSON_HOURS_STRANDED,
        &UNMET_NEEDS,
    ] {
        names.push(format!("{}.total", family.name));
    }
    let mut shown: Vec<String> = Vec::new();
    for name in names {
        if first.contains_key(&name) && !shown.contains(&name) {
            shown.push(name);
        }
    }
    shown.truncate(MOST);
    shown
}

/// A day's label in words: "Sat 15 Oct 2022" for an ISO date, "Day 2" for `day 2`.
pub(crate) fn day_words(date: &str) -> String {
    match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(d) => d.format("%a %-d %b %Y").to_string(),
        Err(_) => match date.strip_prefix("day ") {
            Some(n) => format!("Day {n}"),
            None => date.to_string(),
        },
    }
}

/// The section, or nothing when the folder has no `daily.csv` or its days none of the metrics.
pub(crate) fn section(s: &Summary, days: Option<&Days>) -> Markup {
    let Some(days) = days else {
        return html! {};
    };
    let names = metrics(s, days);
    if names.is_empty() {
        return html! {};
    }
    let measures: Vec<Measure> = names.iter().map(|n| Measure::in_summary(s, n)).collect();
    html! {
        section id="days" {
            h2 { "Day by day" }
            p.note {
                "Each local calendar day"
                @if s.start.is_none() { " (counted from the day the run starts; the scenario gives no date)" }
                ": the mean over the replications, and in brackets the 5th to 95th percentile. \
                 Totals are sums over services, and a day's damage is what accrued within it, so \
                 the days add up to the run's total; the same figures for every metric are in \
                 daily.csv."
            }
            table {
                thead {
                    tr {
                        th { "Day" }
                        @for (name, m) in names.iter().zip(&measures) {
                            th.num {
                                (m.heading(&s.currency))
                                // A person cut off from two services counts twice here; the
                                // headline's union counts each person once.
                                @if name.starts_with("person_hours") && name.ends_with(".total") {
                                    br; span.note { "summed over services" }
                                }
                            }
                        }
                    }
                }
                tbody {
                    @for (date, metrics) in &days.days {
                        tr {
                            td { (day_words(date)) }
                            @for (name, m) in names.iter().zip(&measures) {
                                @match metrics.get(name) {
                                    Some([mean, p05, p95]) => td.num {
                                        (m.value(*mean)) br;
                                        span.note { "(" (m.value(*p05)) "\u{a0}to " (m.value(*p95)) ")" }
                                    },
                                    None => td.num { (super::format::MISSING) },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_words() {
        assert_eq!(day_words("2022-10-15"), "Sat 15 Oct 2022");
        assert_eq!(day_words("2022-10-16"), "Sun 16 Oct 2022");
        assert_eq!(day_words("day 2"), "Day 2");
    }
}
